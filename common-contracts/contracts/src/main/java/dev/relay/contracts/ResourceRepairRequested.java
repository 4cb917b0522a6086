package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Command from reconcile-service to access-service, the only writer of managed resources: re-apply a missing or modified resource from its recorded spec, or re-enable an auto-disabled channel. Keyed by the resource, so one resource's commands and results stay ordered. */
public record ResourceRepairRequested(
        UUID reconcileId,
        UUID runId,
        UUID itemId,
        ManagedResource resource,
        DriftDetected.DriftKind kind,
        Instant occurredAt)
        implements RelayEvent {
    @Override
    public EventType eventType() {
        return EventType.RESOURCE_REPAIR_REQUESTED;
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
