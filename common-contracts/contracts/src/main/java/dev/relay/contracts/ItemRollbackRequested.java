package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Command: remove the item's recorded resources from its host (access-service acts on it). */
public record ItemRollbackRequested(UUID runId, UUID itemId, String requestedBy, Instant occurredAt)
        implements ItemEvent {

    @Override
    public EventType eventType() {
        return EventType.ITEM_ROLLBACK_REQUESTED;
    }
}
