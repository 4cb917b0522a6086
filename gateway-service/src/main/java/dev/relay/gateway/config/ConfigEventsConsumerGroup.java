package dev.relay.gateway.config;

import java.util.UUID;

/**
 * This replica's own Kafka consumer group for {@code relay.gateway-config}: unique per process so every replica gets
 * every event. Such groups are left behind empty on shutdown and expire with the broker's offsets retention.
 */
public record ConfigEventsConsumerGroup(String name) {

    public static ConfigEventsConsumerGroup random() {
        return new ConfigEventsConsumerGroup("gateway-config-" + UUID.randomUUID());
    }
}
