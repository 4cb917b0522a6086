package dev.relay.contracts;

import java.time.Instant;

/** A gateway replica put a channel in cooldown; every replica honours it until {@code until}. */
public record ChannelCooledDown(
        String channelId,
        CooldownCause cause,
        Instant until,
        int consecutiveFailures,
        String replicaId,
        Instant occurredAt)
        implements RelayEvent {
    public enum CooldownCause {
        RATE_LIMITED,
        UPSTREAM_ERROR,
        TIMEOUT,
        UNREACHABLE
    }

    @Override
    public EventType eventType() {
        return EventType.GATEWAY_CHANNEL_COOLED_DOWN;
    }

    @Override
    public String aggregateId() {
        return channelId;
    }
}
