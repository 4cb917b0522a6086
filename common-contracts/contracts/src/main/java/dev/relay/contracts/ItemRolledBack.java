package dev.relay.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The item's recorded resources were removed from the edge (rollback by the ledger, never by guesswork). */
public record ItemRolledBack(UUID runId, UUID itemId, List<ManagedResource> removed, String reason, Instant occurredAt)
        implements ItemEvent {
    public ItemRolledBack {
        removed = List.copyOf(removed);
    }

    @Override
    public EventType eventType() {
        return EventType.ITEM_ROLLED_BACK;
    }
}
