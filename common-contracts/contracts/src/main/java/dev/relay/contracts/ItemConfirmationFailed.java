package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** The confirmation window closed without a successful check through the edge. */
public record ItemConfirmationFailed(
        UUID runId,
        UUID itemId,
        int attempt,
        FailureClass classification,
        String detail,
        Integer edgeStatus,
        Instant occurredAt)
        implements ItemEvent {
    @Override
    public EventType eventType() {
        return EventType.ITEM_CONFIRMATION_FAILED;
    }
}
