package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** An operator submitted an item (base URL + API key) as part of an import run. The key travels sealed. */
public record ItemSubmitted(
        UUID runId,
        UUID itemId,
        int attempt,
        String baseUrl,
        SealedSecret apiKey,
        String vendorHint,
        String requestedModel,
        Instant occurredAt)
        implements ItemEvent {
    @Override
    public EventType eventType() {
        return EventType.ITEM_SUBMITTED;
    }
}
