package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Every item of a run reached a terminal state; the counts per terminal state and the run's status. */
public record RunCompleted(
        UUID runId,
        RunStatus status,
        int total,
        int ready,
        int failed,
        int duplicate,
        int cancelled,
        int rolledBack,
        Instant occurredAt)
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
