package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** access-service repaired a resource; {@code current} carries the (possibly new) host id and spec hash. Keyed by the resource, so one resource's commands and results stay ordered. */
public record ResourceRepaired(
        UUID reconcileId,
        UUID runId,
        UUID itemId,
        ManagedResource resource,
        ManagedResource current,
        Instant occurredAt)
        implements RelayEvent {
    @Override
    public EventType eventType() {
        return EventType.RESOURCE_REPAIRED;
    }

    @Override
    public String aggregateId() {
        return ResourceKeys.of(resource());
    }

    @Override
    public UUID runIdOrNull() {
        return runId;
    }

    @Override
    public UUID itemIdOrNull() {
        return itemId;
    }
}
