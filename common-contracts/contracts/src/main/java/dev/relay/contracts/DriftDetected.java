package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Reconciliation found the live host differing from the ledger (or access no longer working) for one resource. */
public record DriftDetected(
        UUID reconcileId,
        UUID runId,
        UUID itemId,
        ManagedResource resource,
        DriftKind kind,
        String detail,
        boolean repaired,
        Instant occurredAt)
        implements RelayEvent {

    public enum DriftKind {
        /** In the ledger, not in the host. */
        MISSING,
        /** In both, but the host's spec hash differs from the ledger's (runtime status is not spec). */
        MODIFIED,
        /** {@code AUTO_DISABLED} by the edge (with its reason) or {@code DISABLED} by an operator. */
        DISABLED,
        /** Marked as owned by Relay in the host, in no ledger row. */
        ORPHANED,
        /** The minimal call through the edge with the run's key no longer succeeds. */
        ACCESS_BROKEN
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

    @Override
    public UUID itemIdOrNull() {
        return itemId;
    }
}
