package dev.relay.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.relay.contracts.Protocol;
import dev.relay.contracts.SecretBox;
import dev.relay.contracts.SpecHash;
import dev.relay.gateway.config.ChannelRecord;
import dev.relay.gateway.config.ChannelSpec;
import dev.relay.gateway.config.ConfigException;
import dev.relay.gateway.config.GroupRecord;
import dev.relay.gateway.config.GroupSpec;
import dev.relay.gateway.config.KeyRecord;
import dev.relay.gateway.config.KeySpec;
import dev.relay.gateway.config.KeyStatus;
import dev.relay.gateway.routing.ChannelStatus;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ResourceJsonTests {

    private static final SecretBox BOX = SecretBox.fromBase64(
            "k1", Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes()));
    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void parsesAChannelCreateWithDefaults() {
        ChannelSpec s = ChannelJson.spec(
                obj("{\"name\":\"ds\",\"protocol\":\"openai\",\"baseUrl\":\"https://api.deepseek.com\","
                        + "\"credential\":\"sk-1\",\"models\":[\"deepseek-chat\"],"
                        + "\"capabilities\":{\"responses\":true}}"),
                null);
        assertThat(s.protocol()).isEqualTo(Protocol.OPENAI);
        assertThat(s.weight()).isEqualTo(1);
        assertThat(s.status()).isEqualTo(ChannelStatus.ENABLED);
        assertThat(s.capabilities().responses()).isTrue();
        assertThat(s.capabilities().chat()).isTrue();
    }

    @Test
    void rejectsUnknownFieldsNamingThem() {
        assertThat(invalid(() -> ChannelJson.spec(obj("{\"nme\":\"x\"}"), null)).param())
                .isEqualTo("nme");
        assertThat(invalid(() -> ChannelJson.spec(obj(minimal(", \"capabilities\":{\"audio\":true}")), null))
                        .param())
                .isEqualTo("capabilities.audio");
    }

    @Test
    void rejectsWrongTypesNamingTheField() {
        assertThat(invalid(() -> ChannelJson.spec(obj(minimal(", \"weight\":\"2\"")), null))
                        .param())
                .isEqualTo("weight");
        assertThat(invalid(() -> ChannelJson.spec(obj(minimal(", \"priority\":1.5")), null))
                        .param())
                .isEqualTo("priority");
        assertThat(invalid(() -> ChannelJson.spec(obj(minimal(", \"status\":\"PAUSED\"")), null))
                        .param())
                .isEqualTo("status");
    }

    @Test
    void ignoresReadOnlyFieldsButNotAForeignId() {
        ChannelSpec s = ChannelJson.spec(
                obj(minimal(", \"id\":\"ch_1\", \"version\":9, \"credentialFingerprint\":\"x\"")), "ch_1");
        assertThat(s.name()).isEqualTo("c");
        assertThat(invalid(() -> ChannelJson.spec(obj(minimal(", \"id\":\"ch_2\"")), "ch_1"))
                        .param())
                .isEqualTo("id");
        assertThat(invalid(() -> ChannelJson.spec(obj(minimal(", \"id\":\"ch_2\"")), null))
                        .param())
                .isEqualTo("id");
    }

    @Test
    void patchMergesOntoTheStoredChannelAndKeepsTheCredential() {
        ChannelSpec stored = ChannelJson.spec(obj(minimal(", \"priority\": 3, \"statusReason\": \"old\"")), null);
        ChannelRecord current = new ChannelRecord("ch_1", stored.withCredential(null), BOX.seal("sk-1"), 2, T, T);

        ChannelSpec patched = ChannelJson.patched(current, obj("{\"weight\":5,\"statusReason\":null}"));

        assertThat(patched.weight()).isEqualTo(5);
        assertThat(patched.priority()).isEqualTo(3);
        assertThat(patched.statusReason()).isNull();
        assertThat(patched.credential()).isNull();
        assertThat(patched.models()).containsExactly("m");
    }

    /**
     * The views as the admin API returned them before specs were mapped by SpecJson (field names, values, nulls
     * included): what the control plane reads and what {@link SpecHash} hashes.
     */
    @Test
    void theViewsKeepTheirFieldsAndValuesAndSoTheirSpecHash() {
        ChannelSpec spec = ChannelJson.spec(
                obj(minimal(", \"groups\":[\"grp_1\"], \"capabilities\":{\"responses\":true},"
                        + " \"dialect\":{\"reasoning\":\"reasoning_effort\"}, \"managedBy\":\"ops\"")),
                null);
        var sealed = BOX.seal("sk-1");
        ChannelRecord channel = new ChannelRecord("ch_1", spec.withCredential(null), sealed, 3, T, T);
        String expected = "{\"id\":\"ch_1\",\"name\":\"c\",\"protocol\":\"OPENAI\",\"baseUrl\":\"https://x.example\","
                + "\"apiBase\":\"https://x.example/v1\",\"credentialFingerprint\":\"" + sealed.fingerprint() + "\","
                + "\"models\":[\"m\"],\"modelMapping\":{},\"groups\":[\"grp_1\"],\"priority\":0,\"weight\":1,"
                + "\"extraHeaders\":{},\"connectTimeoutMs\":null,\"firstByteTimeoutMs\":null,\"totalTimeoutMs\":null,"
                + "\"capabilities\":{\"chat\":true,\"streaming\":true,\"tools\":true,\"vision\":true,\"embeddings\":true,"
                + "\"responses\":true,\"toolEmulation\":false,\"imageFallback\":false},"
                + "\"dialect\":{\"reasoning\":\"reasoning_effort\",\"systemMessages\":\"inline\"},"
                + "\"status\":\"ENABLED\",\"statusReason\":null,\"managedBy\":\"ops\",\"externalRef\":null,"
                + "\"version\":3,\"createdAt\":\"2030-01-01T00:00:00Z\",\"updatedAt\":\"2030-01-01T00:00:00Z\"}";
        assertSameView(ChannelJson.view(channel), expected);

        GroupRecord group =
                new GroupRecord("grp_1", new GroupSpec("g", java.util.List.of("*"), null, "ops", "g1"), 2, T, T);
        assertSameView(
                GroupJson.view(group),
                "{\"id\":\"grp_1\",\"name\":\"g\",\"models\":[\"*\"],\"status\":\"ENABLED\",\"managedBy\":\"ops\","
                        + "\"externalRef\":\"g1\",\"version\":2,\"createdAt\":\"2030-01-01T00:00:00Z\","
                        + "\"updatedAt\":\"2030-01-01T00:00:00Z\"}");

        KeyRecord key = new KeyRecord(
                "key_1", new KeySpec("k", "grp_1", null, T, 60, null, null, null), "rk-abc", "00", 1, T, T);
        assertSameView(
                KeyJson.view(key, "rk-plain"),
                "{\"id\":\"key_1\",\"name\":\"k\",\"groupId\":\"grp_1\",\"keyPrefix\":\"rk-abc\","
                        + "\"status\":\"ENABLED\",\"statusReason\":null,\"statusUntil\":null,"
                        + "\"expiresAt\":\"2030-01-01T00:00:00Z\",\"rateLimitPerMinute\":60,\"managedBy\":null,"
                        + "\"externalRef\":null,\"version\":1,\"createdAt\":\"2030-01-01T00:00:00Z\","
                        + "\"updatedAt\":\"2030-01-01T00:00:00Z\",\"key\":\"rk-plain\"}");
        assertThat(KeyJson.view(key, "rk-plain").toString()).doesNotContain("rk-plain");
    }

    private static void assertSameView(Object view, String expected) {
        JsonNode written = AdminJson.MAPPER.readTree(AdminJson.write(view));
        JsonNode old = AdminJson.MAPPER.readTree(expected);
        assertThat(written).isEqualTo(old);
        assertThat(SpecHash.of(written)).isEqualTo(SpecHash.of(old));
    }

    @Test
    void aKeyCannotBeChangedAfterCreation() {
        KeyRecord current = new KeyRecord(
                "key_1", new KeySpec("k", "grp_1", null, null, null, null, null, null), "rk-abc", "00", 1, T, T);
        ConfigException ex = invalid(() -> KeyJson.patched(current, obj("{\"key\":\"" + "x".repeat(40) + "\"}")));
        assertThat(ex.code()).isEqualTo("immutable_field");
        assertThat(ex.getMessage()).doesNotContain("xxxx");
        assertThat(KeyJson.patched(current, obj("{\"rateLimitPerMinute\":30}")).rateLimitPerMinute())
                .isEqualTo(30);
    }

    @Test
    void keyViewCarriesThePlaintextOnlyWhenGiven() {
        KeyRecord k = new KeyRecord(
                "key_1", new KeySpec("k", "grp_1", null, null, null, null, null, null), "rk-abc", "00", 1, T, T);
        assertThat(new String(AdminJson.write(KeyJson.view(k, null)))).doesNotContain("\"key\"");
        assertThat(new String(AdminJson.write(KeyJson.view(k, "rk-plain")))).contains("\"key\":\"rk-plain\"");
    }

    @Test
    void keyViewShowsAnExhaustedKeysReasonAndResetTimeWhichABodyMayCarryButNotSet() {
        Instant until = Instant.parse("2026-12-03T00:00:00Z");
        KeyRecord k = new KeyRecord(
                "key_1",
                new KeySpec("k", "grp_1", null, null, null, null, null, null).exhausted("balance", until),
                "rk-abc",
                "00",
                1,
                T,
                T);
        String json = new String(AdminJson.write(KeyJson.view(k, null)));
        assertThat(json)
                .contains("\"status\":\"EXHAUSTED\"")
                .contains("\"statusReason\":\"balance\"")
                .contains("\"statusUntil\":\"2026-12-03T00:00:00Z\"");

        // a GET body sent back: the read-only fields are accepted and ignored, EXHAUSTED is kept as stated
        KeySpec replaced = KeyJson.replaceSpec(obj(json), "key_1");
        assertThat(replaced.status()).isEqualTo(KeyStatus.EXHAUSTED);
        assertThat(replaced.statusReason()).isNull();
        assertThat(KeyJson.patched(k, obj("{\"name\":\"renamed\"}")).status()).isEqualTo(KeyStatus.EXHAUSTED);
    }

    @Test
    void theExhaustBodyIsAReasonAndAnOptionalResetTimeAndNothingElse() {
        KeyJson.Exhaustion e =
                KeyJson.exhaustion(obj("{\"reason\":\"balance used up\",\"until\":\"2026-12-03T00:00:00Z\"}"));
        assertThat(e.reason()).isEqualTo("balance used up");
        assertThat(e.until()).isEqualTo(Instant.parse("2026-12-03T00:00:00Z"));
        assertThat(KeyJson.exhaustion(obj("{\"reason\":\"balance\",\"until\":null}"))
                        .until())
                .isNull();
        assertThat(invalid(() -> KeyJson.exhaustion(obj("{\"reason\":\"x\",\"status\":\"ENABLED\"}")))
                        .code())
                .isEqualTo("unknown_field");
        assertThat(invalid(() -> KeyJson.exhaustion(obj("{\"until\":\"tomorrow\"}")))
                        .param())
                .isEqualTo("until");
    }

    private static String minimal(String extra) {
        return "{\"name\":\"c\",\"protocol\":\"OPENAI\",\"baseUrl\":\"https://x.example\",\"credential\":\"sk-1\","
                + "\"models\":[\"m\"]" + extra + "}";
    }

    private static ObjectNode obj(String json) {
        return (ObjectNode) AdminJson.MAPPER.readTree(json);
    }

    private static ConfigException invalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        ConfigException ex = catchThrowableOfType(ConfigException.class, call);
        assertThat(ex).isNotNull();
        assertThat(ex.reason()).isEqualTo(ConfigException.Reason.INVALID);
        return ex;
    }
}
