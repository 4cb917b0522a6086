package dev.relay.reconcile.passes;

import java.time.Instant;
import java.util.UUID;

/** One reconciliation pass as stored. */
public record Pass(
        UUID id,
        UUID runId,
        String trigger,
        Boolean repair,
        String state,
        String status,
        int checked,
        int drifted,
        int repaired,
        int exhaustedKeys,
        int attempts,
        String error,
        String requestedBy,
        Instant requestedAt,
        Instant startedAt,
        Instant completedAt) {

    public boolean finished() {
        return state.equals("completed") || state.equals("failed");
    }
}
