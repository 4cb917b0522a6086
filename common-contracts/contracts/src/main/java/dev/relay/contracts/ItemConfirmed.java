package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Confirmed through the edge: the item's client key lists the smoke model in {@code /v1/models} AND a minimal chat
 * completion through the edge succeeded.
 */
public record ItemConfirmed(
        UUID runId,
        UUID itemId,
        int attempt,
        String smokeModel,
        long modelsLatencyMillis,
        long chatLatencyMillis,
        Instant occurredAt)
        implements ItemEvent {
    @Override
    public EventType eventType() {
        return EventType.ITEM_CONFIRMED;
    }
}
