package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** The answer to {@code item.reprobe-requested}: whether the upstream passes again, with the new result or the classification. Consumed by reconcile-service, never by provisioning. */
public record ItemReprobed(
        UUID runId,
        UUID itemId,
        UUID reconcileId,
        boolean passed,
        ProbeResult result,
        FailureClass classification,
        String detail,
        Instant occurredAt)
        implements ItemEvent {

    @Override
    public EventType eventType() {
        return EventType.ITEM_REPROBED;
    }
}
