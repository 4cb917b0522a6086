package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** One reconciliation pass finished. */
public record ReconcileCompleted(
        UUID reconcileId, int checked, int drifted, int repaired, Instant startedAt, Instant occurredAt)
        implements RelayEvent {
    @Override
    public EventType eventType() {
        return EventType.RECONCILE_COMPLETED;
    }

    @Override
    public String aggregateId() {
        return reconcileId.toString();
    }
}
