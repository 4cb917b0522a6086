package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Command: run a reconciliation pass now, for one run or (runId null) all; {@code repair} overrides the run policy. */
public record ReconcileRequested(UUID reconcileId, UUID runId, boolean repair, String requestedBy, Instant occurredAt)
        implements RelayEvent {
    @Override
    public EventType eventType() {
        return EventType.RECONCILE_REQUESTED;
    }

    @Override
    public String aggregateId() {
        return reconcileId.toString();
    }

    @Override
    public UUID runIdOrNull() {
        return runId;
    }
}
