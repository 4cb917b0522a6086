package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** One reconciliation pass finished, for one run or (runId null) all of them. */
public record ReconcileCompleted(
        UUID reconcileId,
        UUID runId,
        ReconcileStatus status,
        int checked,
        int drifted,
        int repaired,
        Instant startedAt,
        Instant occurredAt)
        implements RelayEvent {

    public enum ReconcileStatus {
        IN_SYNC,
        DRIFTED,
        REPAIRED,
        /** The host could not be read; the pass is retried later. */
        FAILED
    }

    @Override
    public EventType eventType() {
        return EventType.RECONCILE_COMPLETED;
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
