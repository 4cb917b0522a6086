package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** The item was cancelled before it reached a terminal state; pending retries and timers are dropped. */
public record ItemCancelled(UUID runId, UUID itemId, String reason, Instant occurredAt) implements ItemEvent {

    @Override
    public EventType eventType() {
        return EventType.ITEM_CANCELLED;
    }
}
