package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Command: an operator asked to retry a failed item from the stage it failed in. */
public record ItemRetryRequested(UUID runId, UUID itemId, String requestedBy, Instant occurredAt) implements ItemEvent {

    @Override
    public EventType eventType() {
        return EventType.ITEM_RETRY_REQUESTED;
    }
}
