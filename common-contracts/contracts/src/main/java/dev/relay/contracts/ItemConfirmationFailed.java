package dev.relay.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The confirmation window closed without success. {@code edgeEvidence} are the calls through the edge; {@code directEvidence} the same minimal call made directly to the upstream, which tells a host compatibility gap ({@code HOST_COMPATIBILITY_GAP}) from an upstream problem. */
public record ItemConfirmationFailed(
        UUID runId,
        UUID itemId,
        int attempt,
        FailureClass classification,
        String detail,
        Integer edgeStatus,
        List<ProbeCall> edgeEvidence,
        List<ProbeCall> directEvidence,
        Instant occurredAt)
        implements ItemEvent {
    public ItemConfirmationFailed {
        edgeEvidence = List.copyOf(edgeEvidence);
        directEvidence = List.copyOf(directEvidence);
    }

    @Override
    public EventType eventType() {
        return EventType.ITEM_CONFIRMATION_FAILED;
    }
}
