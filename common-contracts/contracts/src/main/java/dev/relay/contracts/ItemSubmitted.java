package dev.relay.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An operator submitted an item (base URL + API key) as part of an import run. Secrets travel sealed; {@code keyHmac} (a keyed HMAC-SHA-256 over the full key) lets duplicates be found without opening them. */
public record ItemSubmitted(
        UUID runId,
        UUID itemId,
        int index,
        int attempt,
        String hostId,
        String baseUrl,
        SealedSecret apiKey,
        String keyHmac,
        ProtocolHint protocolHint,
        List<String> requestedModels,
        Map<String, String> aliases,
        int priority,
        Integer connectTimeoutMs,
        Integer firstByteTimeoutMs,
        Integer totalTimeoutMs,
        Map<String, String> extraHeaders,
        String smokeModel,
        AccessOptions access,
        Instant occurredAt)
        implements ItemEvent {
    public ItemSubmitted {
        requestedModels = List.copyOf(requestedModels);
        aliases = Map.copyOf(aliases);
        extraHeaders = Map.copyOf(extraHeaders);
    }

    @Override
    public EventType eventType() {
        return EventType.ITEM_SUBMITTED;
    }
}
