package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/** Command: roll a whole run back by its recorded resources (access-service acts on it). */
public record RunRollbackRequested(UUID runId, String requestedBy, Instant occurredAt) implements RelayEvent {
    @Override
    public EventType eventType() {
        return EventType.RUN_ROLLBACK_REQUESTED;
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
