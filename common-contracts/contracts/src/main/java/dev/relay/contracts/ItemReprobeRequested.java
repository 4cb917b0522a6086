package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Command from reconcile-service: probe the item's upstream again (before asking to re-enable an auto-disabled channel). */
public record ItemReprobeRequested(UUID runId, UUID itemId, UUID reconcileId, Instant occurredAt) implements ItemEvent {

    @Override
    public EventType eventType() {
        return EventType.ITEM_REPROBE_REQUESTED;
    }
}
