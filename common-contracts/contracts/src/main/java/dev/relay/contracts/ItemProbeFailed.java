package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Probing failed with a classification. {@code nextAttemptAt} is set when another attempt is scheduled (the failure
 * is retryable and attempts remain), null when this failure is final.
 */
public record ItemProbeFailed(
        UUID runId,
        UUID itemId,
        int attempt,
        FailureClass classification,
        String detail,
        Integer upstreamStatus,
        Instant nextAttemptAt,
        Instant occurredAt)
        implements ItemEvent {
    @Override
    public EventType eventType() {
        return EventType.ITEM_PROBE_FAILED;
    }

    public boolean isFinal() {
        return nextAttemptAt == null;
    }
}
