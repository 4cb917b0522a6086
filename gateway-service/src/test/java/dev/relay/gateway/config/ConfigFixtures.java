package dev.relay.gateway.config;

import dev.relay.contracts.Protocol;
import dev.relay.contracts.SecretBox;
import dev.relay.gateway.routing.ChannelCapabilities;
import dev.relay.gateway.routing.ChannelStatus;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Immutable fixtures for config unit tests. */
final class ConfigFixtures {

    static final SecretBox BOX = SecretBox.fromBase64(
            "k1", Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes()));

    private ConfigFixtures() {}

    static ChannelSpec deepSeekChannel() {
        return new ChannelSpec(
                "deepseek",
                Protocol.OPENAI,
                "https://api.deepseek.com",
                "sk-deepseek-secret-123456",
                List.of("deepseek-chat"),
                Map.of(),
                List.of(),
                0,
                1,
                Map.of(),
                null,
                null,
                null,
                ChannelCapabilities.DEFAULT,
                null,
                ChannelStatus.ENABLED,
                null,
                "access-service",
                "item-1");
    }
}
