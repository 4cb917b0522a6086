package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Every item of a run reached a terminal state. */
public record RunCompleted(
        UUID runId, int total, int ready, int failed, int cancelled, int rolledBack, Instant occurredAt)
        implements RelayEvent {
    @Override
    public EventType eventType() {
        return EventType.RUN_COMPLETED;
    }

    @Override
    public String aggregateId() {
        return runId.toString();
    }

    @Override
    public UUID runIdOrNull() {
        return runId;
    }
}
