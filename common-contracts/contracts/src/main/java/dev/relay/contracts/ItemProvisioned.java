package dev.relay.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The item's channel, group and client access exist in the edge; every created resource is listed. */
public record ItemProvisioned(
        UUID runId,
        UUID itemId,
        int attempt,
        String channelId,
        String groupId,
        String clientKeyId,
        String smokeModel,
        List<ManagedResource> resources,
        Instant occurredAt)
        implements ItemEvent {
    public ItemProvisioned {
        resources = List.copyOf(resources);
    }

    @Override
    public EventType eventType() {
        return EventType.ITEM_PROVISIONED;
    }
}
