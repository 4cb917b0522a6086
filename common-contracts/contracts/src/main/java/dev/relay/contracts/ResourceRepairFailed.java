package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** access-service could not repair a resource. Keyed by the resource, so one resource's commands and results stay ordered. */
public record ResourceRepairFailed(
        UUID reconcileId,
        UUID runId,
        UUID itemId,
        ManagedResource resource,
        FailureClass classification,
        String detail,
        Instant occurredAt)
        implements RelayEvent {
    @Override
    public EventType eventType() {
        return EventType.RESOURCE_REPAIR_FAILED;
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
