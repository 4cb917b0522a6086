package dev.relay.contracts;

import java.time.Instant;

/** A channel was disabled automatically (quota exhausted, repeated auth failures) until re-enabled or re-probed. */
public record ChannelAutoDisabled(
        String channelId, FailureClass cause, String detail, String replicaId, Instant occurredAt)
        implements RelayEvent {
    @Override
    public EventType eventType() {
        return EventType.GATEWAY_CHANNEL_AUTO_DISABLED;
    }

    @Override
    public String aggregateId() {
        return channelId;
    }
}
