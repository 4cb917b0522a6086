package dev.relay.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Confirmed through the edge with the run's key: {@code /v1/models} lists the smoke model AND a minimal chat completion succeeded; the access status says in which mode the item is usable. */
public record ItemConfirmed(
        UUID runId,
        UUID itemId,
        int attempt,
        String smokeModel,
        AccessStatus accessStatus,
        List<ProbeCall> evidence,
        long modelsLatencyMillis,
        long chatLatencyMillis,
        Instant occurredAt)
        implements ItemEvent {
    public ItemConfirmed {
        evidence = List.copyOf(evidence);
    }

    @Override
    public EventType eventType() {
        return EventType.ITEM_CONFIRMED;
    }
}
