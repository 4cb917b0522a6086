package dev.relay.access.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.AccessMode;
import dev.relay.contracts.AccessOptions;
import dev.relay.contracts.ApiBase;
import dev.relay.contracts.CapabilityProfile;
import dev.relay.contracts.ChannelDialect;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.contracts.ModelEntry;
import dev.relay.contracts.ProbeResult;
import dev.relay.contracts.Protocol;
import dev.relay.contracts.ProtocolHint;
import dev.relay.contracts.SealedSecret;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class ResourceSpecsTests {

    static final UUID RUN = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    static final UUID ITEM = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    static final SealedSecret SEALED = new SealedSecret("k1", "Y2lwaGVy", "sk-…0000");

    static ItemSubmitted submitted(Map<String, String> headers, Integer totalTimeoutMs) {
        return new ItemSubmitted(
                RUN,
                ITEM,
                6,
                1,
                "edge",
                "https://api.deepseek.example",
                SEALED,
                "hmac",
                ProtocolHint.AUTO,
                List.of(),
                Map.of(),
                7,
                null,
                null,
                totalTimeoutMs,
                headers,
                null,
                new AccessOptions(AccessMode.SELF_SERVICE, null, null, null, null, null, SEALED),
                Instant.EPOCH);
    }

    static ProbeResult probed(CapabilityProfile caps) {
        return new ProbeResult(
                List.of(new ApiBase(Protocol.OPENAI, "https://api.deepseek.example/v1")),
                "deepseek",
                List.of(
                        new ModelEntry("DeepSeek-V3", "deepseek-chat", ModelEntry.ModelKind.CHAT, true),
                        new ModelEntry("deepseek-reasoner", "deepseek-reasoner", ModelEntry.ModelKind.CHAT, false)),
                List.of(),
                caps,
                "deepseek-chat",
                List.of(),
                List.of(),
                10,
                new ChannelDialect("thinking_type", "inline"));
    }

    @Test
    void aChannelCarriesPublicNamesTheMappingTheGroupAndTheItemsSettings() {
        CapabilityProfile caps = new CapabilityProfile(true, true, false, false, false, false, false, false);
        ProbeResult r = probed(caps);
        ObjectNode c = ResourceSpecs.channel(
                submitted(Map.of("x-team", "a"), 60000), r, r.apiBases().get(0), "grp_1", "sk-up", "relay-access");

        assertThat(c.path("models").toString()).isEqualTo("[\"DeepSeek-V3\",\"deepseek-reasoner\"]");
        assertThat(c.path("modelMapping").toString()).isEqualTo("{\"DeepSeek-V3\":\"deepseek-chat\"}");
        assertThat(c.path("groups").toString()).isEqualTo("[\"grp_1\"]");
        assertThat(c.path("priority").asInt()).isEqualTo(7);
        assertThat(c.path("totalTimeoutMs").asInt()).isEqualTo(60000);
        assertThat(c.has("connectTimeoutMs")).isFalse();
        assertThat(c.path("extraHeaders").path("x-team").asString()).isEqualTo("a");
        assertThat(c.path("dialect").path("reasoning").asString()).isEqualTo("thinking_type");
        assertThat(c.path("externalRef").asString()).isEqualTo(ResourceSpecs.channelRef(RUN, ITEM, Protocol.OPENAI));
        assertThat(c.path("name").asString()).isEqualTo("deepseek api.deepseek.example #7 openai");
    }

    @Test
    void missingNativeToolsGetEmulationAndMissingVisionTheImagePlaceholder() {
        ObjectNode openAi = ResourceSpecs.capabilities(
                new CapabilityProfile(true, true, false, false, false, false, false, false), Protocol.OPENAI);
        assertThat(openAi.path("tools").asBoolean()).isFalse();
        assertThat(openAi.path("toolEmulation").asBoolean()).isTrue();
        assertThat(openAi.path("imageFallback").asBoolean()).isTrue();

        ObjectNode anthropic = ResourceSpecs.capabilities(
                new CapabilityProfile(false, true, false, true, false, false, true, true), Protocol.ANTHROPIC);
        assertThat(anthropic.path("chat").asBoolean()).isTrue();
        assertThat(anthropic.path("tools").asBoolean()).isTrue();
        assertThat(anthropic.path("toolEmulation").asBoolean()).isFalse();
        assertThat(anthropic.path("imageFallback").asBoolean()).isFalse();
        assertThat(anthropic.path("embeddings").asBoolean()).isFalse();
    }

    @Test
    void theGroupListsModelsSortedAndTheRecordedSpecHoldsNoSecret() {
        ObjectNode g = ResourceSpecs.group(RUN, List.of("b", "a", "b"), "relay-access");
        assertThat(g.path("models").toString()).isEqualTo("[\"a\",\"b\"]");
        ObjectNode k = ResourceSpecs.key(RUN, "grp_1", "rk-secret-material-0123456789abcdef", "relay-access");
        assertThat(ResourceSpecs.withoutSecrets(k).toString()).doesNotContain("rk-secret");
        ProbeResult r = probed(new CapabilityProfile(true, true, true, true, false, false, false, false));
        ObjectNode c =
                ResourceSpecs.channel(submitted(Map.of(), null), r, r.apiBases().get(0), "g", "sk-up", "m");
        assertThat(ResourceSpecs.withoutSecrets(c).toString()).doesNotContain("sk-up");
    }
}
