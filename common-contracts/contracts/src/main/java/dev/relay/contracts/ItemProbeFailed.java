package dev.relay.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Probing failed with a classification. {@code nextAttemptAt} is set when another attempt is scheduled (retryable and attempts remain), null when final; {@code candidates} are the nearest model names for {@code MODEL_NOT_FOUND}; {@code resolvedAddress} is what the URL guard refused for {@code URL_NOT_ALLOWED}. */
public record ItemProbeFailed(
        UUID runId,
        UUID itemId,
        int attempt,
        FailureClass classification,
        String detail,
        Integer upstreamStatus,
        List<ProbeCall> evidence,
        List<String> candidates,
        String resolvedAddress,
        Instant nextAttemptAt,
        Instant occurredAt)
        implements ItemEvent {
    public ItemProbeFailed {
        evidence = List.copyOf(evidence);
        candidates = List.copyOf(candidates);
    }

    public boolean isFinal() {
        return nextAttemptAt == null;
    }

    @Override
    public EventType eventType() {
        return EventType.ITEM_PROBE_FAILED;
    }
}
