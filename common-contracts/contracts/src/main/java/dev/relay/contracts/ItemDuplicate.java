package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** The item repeats one Relay already has (same normalised API base and same key, by keyed HMAC): terminal {@code DUPLICATE}. */
public record ItemDuplicate(
        UUID runId, UUID itemId, UUID duplicateOfRunId, UUID duplicateOfItemId, String reason, Instant occurredAt)
        implements ItemEvent {

    @Override
    public EventType eventType() {
        return EventType.ITEM_DUPLICATE;
    }
}
