package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Reconciliation found the live host differing from the ledger for one resource. */
public record DriftDetected(
        UUID reconcileId,
        UUID runId,
        ManagedResource resource,
        DriftKind kind,
        String detail,
        boolean repaired,
        Instant occurredAt)
        implements RelayEvent {
    public enum DriftKind {
        /** In the ledger, not in the host. */
        MISSING,
        /** In both, but the host's copy differs from what was provisioned. */
        MODIFIED,
        /** Marked as ours in the host, not in the ledger. */
        ORPHANED
    }

    @Override
    public EventType eventType() {
        return EventType.RECONCILE_DRIFT_DETECTED;
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
