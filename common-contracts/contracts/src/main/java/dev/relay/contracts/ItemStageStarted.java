package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** A stage of the item started (probing, provisioning, confirming), with the attempt it runs. */
public record ItemStageStarted(UUID runId, UUID itemId, int attempt, ItemStage stage, Instant occurredAt)
        implements ItemEvent {

    @Override
    public EventType eventType() {
        return EventType.ITEM_STAGE_STARTED;
    }
}
