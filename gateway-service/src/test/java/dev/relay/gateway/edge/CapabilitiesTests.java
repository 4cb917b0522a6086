package dev.relay.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.Protocol;
import dev.relay.gateway.routing.ChannelCapabilities;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ChannelStatus;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CapabilitiesTests {

    private static ChannelRoute channel(Protocol protocol, ChannelCapabilities caps) {
        return new ChannelRoute(
                "ch",
                "n",
                protocol,
                URI.create("http://u/v1"),
                "secret",
                Set.of("m"),
                Map.of(),
                Set.of(),
                0,
                1,
                Map.of(),
                null,
                null,
                null,
                caps,
                null,
                ChannelStatus.ENABLED,
                1);
    }

    @Test
    void reportsNativeToolsAndVisionWhenAnyChannelHasThem() {
        JsonNode n = Capabilities.model(
                "m",
                List.of(
                        channel(
                                Protocol.OPENAI,
                                new ChannelCapabilities(true, true, false, false, true, false, true, true)),
                        channel(Protocol.ANTHROPIC, ChannelCapabilities.DEFAULT)));
        assertThat(n.path("tools").asString()).isEqualTo("native");
        assertThat(n.path("vision").asString()).isEqualTo("native");
        assertThat(n.path("embeddings").asBoolean()).isTrue();
        assertThat(n.path("upstream_protocols").toString()).isEqualTo("[\"openai\",\"anthropic\"]");
        assertThat(n.path("protocols").toString()).contains("anthropic.messages", "openai.chat_completions");
    }

    @Test
    void reportsEmulatedToolsAndPlaceholderImagesForATextOnlyChannel() {
        JsonNode n = Capabilities.model(
                "m",
                List.of(channel(
                        Protocol.OPENAI,
                        new ChannelCapabilities(true, false, false, false, false, false, true, true))));
        assertThat(n.path("tools").asString()).isEqualTo("emulated");
        assertThat(n.path("vision").asString()).isEqualTo("placeholder");
        assertThat(n.path("streaming").asBoolean()).isFalse();
        assertThat(n.path("embeddings").asBoolean()).isFalse();
    }

    @Test
    void reportsNoToolsWhenEmulationIsOff() {
        JsonNode n = Capabilities.model(
                "m",
                List.of(channel(
                        Protocol.OPENAI,
                        new ChannelCapabilities(true, true, false, false, false, false, false, false))));
        assertThat(n.path("tools").asString()).isEqualTo("none");
        assertThat(n.path("vision").asString()).isEqualTo("none");
    }
}
