package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Provisioning into the edge failed; {@code nextAttemptAt} is null when final. */
public record ItemProvisionFailed(
        UUID runId,
        UUID itemId,
        int attempt,
        FailureClass classification,
        String detail,
        Instant nextAttemptAt,
        Instant occurredAt)
        implements ItemEvent {
    @Override
    public EventType eventType() {
        return EventType.ITEM_PROVISION_FAILED;
    }
}
