package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Command: an operator asked to cancel an item that has not reached a terminal state. */
public record ItemCancelRequested(UUID runId, UUID itemId, String requestedBy, Instant occurredAt)
        implements ItemEvent {

    @Override
    public EventType eventType() {
        return EventType.ITEM_CANCEL_REQUESTED;
    }
}
