package dev.relay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.Protocol;
import dev.relay.gateway.routing.ChannelCapabilities;
import dev.relay.gateway.routing.ChannelStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ChannelSpecTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void acceptsABaseUrlWithOrWithoutTheVersionPath() {
        assertThat(channel("https://api.deepseek.com", Map.of()).baseUrl()).isEqualTo("https://api.deepseek.com");
        assertThat(channel("https://api.deepseek.com/v1", Map.of()).baseUrl()).isEqualTo("https://api.deepseek.com/v1");
    }

    @Test
    void rejectsNonHttpBaseUrlsNamingTheField() {
        assertInvalid(() -> channel("ftp://files.example.com", Map.of()), "baseUrl");
        assertInvalid(() -> channel("api.deepseek.com", Map.of()), "baseUrl");
        assertInvalid(() -> channel("https://user:pw@api.deepseek.com", Map.of()), "baseUrl");
        assertInvalid(() -> channel("https://api.deepseek.com/v1?key=abc", Map.of()), "baseUrl");
    }

    @Test
    void rejectsHopByHopAndCredentialHeadersButAllowsAHostOverride() {
        assertThat(channel("https://x.example", Map.of("Host", "api.example.com"))
                        .extraHeaders())
                .containsEntry("Host", "api.example.com");
        for (String h : List.of("Authorization", "x-api-key", "Connection", "Transfer-Encoding", "Upgrade", "TE")) {
            assertInvalid(() -> channel("https://x.example", Map.of(h, "v")), "extraHeaders");
        }
        assertInvalid(() -> channel("https://x.example", Map.of("X-Ok", "a\r\nInjected: 1")), "extraHeaders");
    }

    @Test
    void requiresNameProtocolBaseUrlAndModels() {
        assertInvalid(() -> spec(null, Protocol.OPENAI, "https://x", List.of("m"), Map.of(), 1, null), "name");
        assertInvalid(() -> spec("n", null, "https://x", List.of("m"), Map.of(), 1, null), "protocol");
        assertInvalid(() -> spec("n", Protocol.OPENAI, null, List.of("m"), Map.of(), 1, null), "baseUrl");
        assertInvalid(() -> spec("n", Protocol.OPENAI, "https://x", List.of(), Map.of(), 1, null), "models");
    }

    @Test
    void rejectsAMappingForAModelTheChannelDoesNotServe() {
        assertInvalid(
                () -> spec("n", Protocol.OPENAI, "https://x", List.of("m"), Map.of("other", "u"), 1, null),
                "modelMapping");
        assertThat(spec("n", Protocol.OPENAI, "https://x", List.of("m"), Map.of("m", "m-2024"), 1, null)
                        .modelMapping())
                .containsEntry("m", "m-2024");
    }

    @Test
    void rejectsANonPositiveWeight() {
        assertInvalid(() -> spec("n", Protocol.OPENAI, "https://x", List.of("m"), Map.of(), 0, null), "weight");
    }

    @Test
    void rejectsExternalRefWithoutManagedBy() {
        assertInvalid(() -> spec("n", Protocol.OPENAI, "https://x", List.of("m"), Map.of(), 1, "ref"), "managedBy");
    }

    @Test
    void neverEchoesTheCredentialInAnErrorOrInToString() {
        String secret = "sk-live secret with space";
        ConfigException ex = catchInvalid(() -> ConfigFixtures.channel("{\"name\": \"n\", \"protocol\": \"OPENAI\","
                + " \"baseUrl\": \"https://x.example\", \"credential\": \"" + secret + "\", \"models\": [\"m\"]}"));
        assertThat(ex.param()).isEqualTo("credential");
        assertThat(ex.getMessage()).doesNotContain("secret");
        assertThat(ConfigFixtures.deepSeekChannel().toString()).doesNotContain("sk-deepseek-secret");
    }

    @Test
    void defaultsCapabilitiesAndStatus() {
        ChannelSpec s = spec("n", Protocol.OPENAI, "https://x", List.of("m", "m"), Map.of(), 1, null);
        assertThat(s.capabilities()).isEqualTo(ChannelCapabilities.DEFAULT);
        assertThat(s.status()).isEqualTo(ChannelStatus.ENABLED);
        assertThat(s.models()).containsExactly("m");
    }

    @Test
    void groupModelsStarMustStandAlone() {
        assertThat(new GroupSpec("g", List.of("*"), null, null, null).allModels())
                .isTrue();
        assertInvalid(() -> new GroupSpec("g", List.of("*", "gpt-4o"), null, null, null), "models");
        assertInvalid(() -> new GroupSpec("g", List.of(), null, null, null), "models");
    }

    @Test
    void aSuppliedKeyMustBeLongEnoughAndIsNeverPrinted() {
        assertInvalid(() -> key("short-key"), "key");
        String supplied = "ck-" + "a".repeat(40);
        KeySpec k = key(supplied);
        assertThat(k.toString()).doesNotContain(supplied);
        assertInvalid(() -> new KeySpec("k", "grp_1", null, Instant.EPOCH, 0, null, null, null), "rateLimitPerMinute");
    }

    @Test
    void aStatusReasonWithControlCharactersOrOverlongIsCleanedNotRefused() {
        ChannelSpec s = ConfigFixtures.deepSeekChannel()
                .withStatus(
                        ChannelStatus.AUTO_DISABLED,
                        "QUOTA_EXHAUSTED: {\n  \"error\": \"insufficient_quota\"\n}" + "x".repeat(2000));
        assertThat(s.statusReason())
                .startsWith("QUOTA_EXHAUSTED: {   \"error\"")
                .doesNotContain("\n");
        assertThat(s.statusReason()).hasSizeLessThanOrEqualTo(1000);
    }

    @Test
    void onlyAnExhaustedKeyCarriesAReasonAndAResetTimeKeptToTheMicrosecond() {
        Instant until = Instant.parse("2026-12-03T00:00:00.123456789Z");
        KeySpec exhausted = key(null).exhausted("monthly\ntoken budget", until);
        assertThat(exhausted.status()).isEqualTo(KeyStatus.EXHAUSTED);
        assertThat(exhausted.statusReason()).isEqualTo("monthly token budget");
        assertThat(exhausted.statusUntil()).isEqualTo(Instant.parse("2026-12-03T00:00:00.123456Z"));

        for (KeyStatus other : List.of(KeyStatus.ENABLED, KeyStatus.DISABLED)) {
            KeySpec k = exhausted.withStatus(other);
            assertThat(k.status()).isEqualTo(other);
            assertThat(k.statusReason()).isNull();
            assertThat(k.statusUntil()).isNull();
        }
        assertThat(new KeySpec("k", "grp_1", KeyStatus.ENABLED, "ignored", until, null, null, null, null, null)
                        .statusReason())
                .isNull();
    }

    private static KeySpec key(String supplied) {
        return new KeySpec("k", "grp_1", null, null, null, null, null, supplied);
    }

    private static ChannelSpec channel(String baseUrl, Map<String, String> headers) {
        return spec("n", Protocol.OPENAI, baseUrl, List.of("m"), Map.of(), 1, null, headers);
    }

    private static ChannelSpec spec(
            String name,
            Protocol protocol,
            String baseUrl,
            List<String> models,
            Map<String, String> mapping,
            int weight,
            String externalRef) {
        return spec(name, protocol, baseUrl, models, mapping, weight, externalRef, Map.of());
    }

    /** Built from JSON, as the admin API does: no change here when the spec gains a field. */
    private static ChannelSpec spec(
            String name,
            Protocol protocol,
            String baseUrl,
            List<String> models,
            Map<String, String> mapping,
            int weight,
            String externalRef,
            Map<String, String> headers) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.put("protocol", protocol);
        fields.put("baseUrl", baseUrl);
        fields.put("credential", "sk-1");
        fields.put("models", models);
        fields.put("modelMapping", mapping);
        fields.put("weight", weight);
        fields.put("extraHeaders", headers);
        fields.put("externalRef", externalRef);
        return ConfigFixtures.spec(JSON.valueToTree(fields), ChannelSpec.class);
    }

    private static void assertInvalid(ThrowingCallable call, String param) {
        assertThat(catchInvalid(call).param()).isEqualTo(param);
    }

    private static ConfigException catchInvalid(ThrowingCallable call) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(t).isInstanceOf(ConfigException.class);
        ConfigException ex = (ConfigException) t;
        assertThat(ex.reason()).isEqualTo(ConfigException.Reason.INVALID);
        return ex;
    }
}
