package dev.relay.contracts;

import java.time.Instant;

/**
 * The edge's configuration changed; every replica reloads its routing snapshot up to {@code configVersion}. Keyed by
 * the constant {@link #AGGREGATE_ID} so config versions stay in order on one partition.
 */
public record GatewayConfigChanged(
        long configVersion, String resourceKind, String resourceId, ChangeKind change, Instant occurredAt)
        implements RelayEvent {
    public static final String AGGREGATE_ID = "gateway-config";

    public enum ChangeKind {
        CREATED,
        UPDATED,
        DISABLED,
        ENABLED,
        DELETED
    }

    @Override
    public EventType eventType() {
        return EventType.GATEWAY_CONFIG_CHANGED;
    }

    @Override
    public String aggregateId() {
        return AGGREGATE_ID;
    }
}
