package dev.relay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.relay.gateway.routing.ChannelCapabilities;
import dev.relay.gateway.routing.ChannelStatus;
import dev.relay.gateway.translate.UpstreamDialect;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class SpecJsonTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String FULL_CHANNEL = "{\"name\": \"ds\", \"protocol\": \"anthropic\","
            + " \"baseUrl\": \"https://api.example.com/v1\", \"credential\": \"sk-full-secret\","
            + " \"models\": [\"b\", \"a\"], \"modelMapping\": {\"a\": \"a-2024\"}, \"groups\": [\"grp_1\"],"
            + " \"priority\": -2, \"weight\": 7, \"extraHeaders\": {\"Host\": \"h.example\"},"
            + " \"connectTimeoutMs\": 1000, \"firstByteTimeoutMs\": 2000, \"totalTimeoutMs\": 3000,"
            + " \"capabilities\": {\"tools\": false, \"toolEmulation\": true},"
            + " \"dialect\": {\"reasoning\": \"ENABLE_THINKING\", \"systemMessages\": \"leading\"},"
            + " \"status\": \"DISABLED\", \"statusReason\": \"paused\", \"managedBy\": \"ops\", \"externalRef\": \"r1\"}";

    @Test
    void aChannelRoundTripsThroughItsJsonWithoutTheCredential() {
        ChannelSpec spec = ConfigFixtures.channel(FULL_CHANNEL);
        assertThat(spec.dialect())
                .isEqualTo(new UpstreamDialect(
                        UpstreamDialect.Reasoning.ENABLE_THINKING, UpstreamDialect.SystemMessages.LEADING));
        assertThat(spec.capabilities().chat()).isTrue(); // absent flags keep their defaults
        assertThat(spec.capabilities().emulatesTools()).isTrue();

        ObjectNode written = SpecJson.write(spec);
        assertThat(written.has("credential")).isFalse();
        assertThat(written.toString()).doesNotContain("sk-full-secret");
        assertThat(written.path("dialect").path("reasoning").asString()).isEqualTo("enable_thinking");
        assertThat(written.path("capabilities").size()).isEqualTo(8);
        assertThat(written.has("connectTimeoutMs")).isTrue();

        ChannelSpec stored = spec.withCredential(null);
        assertThat(read(written, ChannelSpec.class, SpecJson.Source.STORAGE)).isEqualTo(stored);
        assertThat(read(written, ChannelSpec.class, SpecJson.Source.API)).isEqualTo(stored);
        assertThat(SpecJson.fields(ChannelSpec.class)).hasSize(ChannelSpec.class.getRecordComponents().length);
    }

    @Test
    void absentFieldsTakeTheConstructorsDefaultsAndNullIsAbsent() {
        ChannelSpec s = ConfigFixtures.channel("{\"name\": \"n\", \"protocol\": \"OPENAI\", \"baseUrl\": \"https://x\","
                + " \"models\": [\"m\"], \"weight\": null, \"capabilities\": null, \"priority\": null}");
        assertThat(s.weight()).isEqualTo(1);
        assertThat(s.priority()).isZero();
        assertThat(s.capabilities()).isEqualTo(ChannelCapabilities.DEFAULT);
        assertThat(s.dialect()).isEqualTo(UpstreamDialect.DEFAULT);
        assertThat(s.status()).isEqualTo(ChannelStatus.ENABLED);
        assertThat(s.credential()).isNull();
    }

    @Test
    void aKeysPlaintextIsNeverWrittenAndItsExhaustionIsReadOnlyOverTheApi() {
        Instant until = Instant.parse("2026-12-03T00:00:00.123456Z");
        KeySpec k = new KeySpec("k", "grp_1", null, Instant.parse("2030-01-01T00:00:00Z"), 5, "ops", "k1", null)
                .exhausted("balance", until);
        ObjectNode written = SpecJson.write(k);
        assertThat(written.path("statusUntil").asString()).isEqualTo("2026-12-03T00:00:00.123456Z");
        assertThat(read(written, KeySpec.class, SpecJson.Source.STORAGE)).isEqualTo(k);

        KeySpec fromApi = read(written, KeySpec.class, SpecJson.Source.API);
        assertThat(fromApi.status()).isEqualTo(KeyStatus.EXHAUSTED);
        assertThat(fromApi.statusReason()).isNull();
        assertThat(fromApi.statusUntil()).isNull();

        String supplied = "ck-" + "a".repeat(40);
        KeySpec withKey = new KeySpec("k", "grp_1", null, null, null, null, null, supplied);
        assertThat(SpecJson.write(withKey).has("key")).isFalse();
        assertThat(SpecJson.write(withKey).toString()).doesNotContain(supplied);
        ObjectNode request = SpecJson.write(withKey).put("key", supplied);
        assertThat(read(request, KeySpec.class, SpecJson.Source.API).key()).isEqualTo(supplied);
    }

    @Test
    void aGroupRoundTrips() {
        GroupSpec g = new GroupSpec("g", List.of("*"), EntryStatus.DISABLED, null, null);
        assertThat(read(SpecJson.write(g), GroupSpec.class, SpecJson.Source.STORAGE))
                .isEqualTo(g);
    }

    @Test
    void anApiRequestWithAnUnknownFieldIsRefusedAtEveryLevelStorageIgnoresThem() {
        ObjectNode unknownTop = (ObjectNode) JSON.readTree(FULL_CHANNEL).deepCopy();
        unknownTop.put("colour", "red");
        assertThat(invalid(() -> read(unknownTop, ChannelSpec.class, SpecJson.Source.API)))
                .satisfies(ex -> assertThat(ex.code()).isEqualTo("unknown_field"))
                .satisfies(ex -> assertThat(ex.param()).isEqualTo("colour"));
        assertThat(SpecJson.read(unknownTop, ChannelSpec.class, SpecJson.Source.API, Set.of("colour")))
                .isNotNull();

        ObjectNode unknownNested = (ObjectNode) JSON.readTree(FULL_CHANNEL).deepCopy();
        ((ObjectNode) unknownNested.get("capabilities")).put("audio", true);
        assertThat(invalid(() -> read(unknownNested, ChannelSpec.class, SpecJson.Source.API))
                        .param())
                .isEqualTo("capabilities.audio");

        assertThat(read(unknownTop, ChannelSpec.class, SpecJson.Source.STORAGE).name())
                .isEqualTo("ds");
        assertThat(read(unknownNested, ChannelSpec.class, SpecJson.Source.STORAGE)
                        .capabilities()
                        .toolEmulation())
                .isTrue();
    }

    @Test
    void aWrongTypeIsRefusedNamingTheFieldWithoutEchoingTheValue() {
        assertError("\"weight\": \"2\"", "weight", "weight must be an integer");
        assertError("\"priority\": 1.5", "priority", "priority must be an integer");
        assertError("\"name\": 5", "name", "name must be a string");
        assertError("\"models\": [\"m\", 3]", "models", "models must be an array of strings");
        assertError("\"extraHeaders\": {\"X-A\": 1}", "extraHeaders", "extraHeaders.X-A must be a string");
        assertError(
                "\"capabilities\": {\"chat\": \"yes\"}",
                "capabilities.chat",
                "capabilities.chat must be true or false");
        assertError("\"capabilities\": []", "capabilities", "capabilities must be an object");
        assertError("\"status\": \"PAUSED\"", "status", "status must be one of [ENABLED, DISABLED, AUTO_DISABLED]");
        assertError(
                "\"dialect\": {\"reasoning\": \"max\"}",
                "dialect.reasoning",
                "dialect.reasoning must be one of none, reasoning_effort, enable_thinking, thinking_type,"
                        + " reasoning_object, chat_template_kwargs");
        assertError(
                "\"dialect\": {\"systemMessages\": \"first\"}",
                "dialect.systemMessages",
                "dialect.systemMessages must be one of inline, leading");

        ConfigException badInstant = invalid(() -> read(
                JSON.readTree("{\"name\": \"k\", \"groupId\": \"g\", \"expiresAt\": \"tomorrow\"}"),
                KeySpec.class,
                SpecJson.Source.API));
        assertThat(badInstant.param()).isEqualTo("expiresAt");
        assertThat(badInstant.getMessage()).doesNotContain("tomorrow");
    }

    @Test
    void aStoredRowThatNoLongerValidatesIsAConfigError() {
        JsonNode bad = JSON.readTree("{\"name\": \"n\", \"protocol\": \"OPENAI\", \"baseUrl\": \"https://x\","
                + " \"models\": [\"m\"], \"dialect\": {\"reasoning\": \"from-the-future\"}}");
        assertThat(invalid(() -> read(bad, ChannelSpec.class, SpecJson.Source.STORAGE))
                        .param())
                .isEqualTo("dialect.reasoning");
    }

    record Unsupported(String name, double ratio) {}

    @Test
    void aComponentOfATypeItCannotMapFailsOnFirstUse() {
        assertThatThrownBy(() -> SpecJson.write(new Unsupported("n", 0.5))).hasMessageContaining("Unsupported.ratio");
    }

    private static void assertError(String field, String param, String message) {
        JsonNode doc = JSON.readTree("{\"name\": \"n\", \"protocol\": \"OPENAI\", \"baseUrl\": \"https://x\","
                + " \"models\": [\"m\"], " + field + "}");
        ConfigException ex = invalid(() -> read(doc, ChannelSpec.class, SpecJson.Source.API));
        assertThat(ex.param()).isEqualTo(param);
        assertThat(ex.getMessage()).isEqualTo(message);
    }

    private static <S extends Record> S read(JsonNode doc, Class<S> type, SpecJson.Source source) {
        return SpecJson.read(doc, type, source, Set.of());
    }

    private static ConfigException invalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        ConfigException ex = catchThrowableOfType(ConfigException.class, call);
        assertThat(ex).isNotNull();
        assertThat(ex.reason()).isEqualTo(ConfigException.Reason.INVALID);
        return ex;
    }
}
