package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Probing succeeded: the upstream answered and its protocols, models and capabilities are known. */
public record ItemProbed(UUID runId, UUID itemId, int attempt, ProbeResult result, Instant occurredAt)
        implements ItemEvent {

    @Override
    public EventType eventType() {
        return EventType.ITEM_PROBED;
    }
}
