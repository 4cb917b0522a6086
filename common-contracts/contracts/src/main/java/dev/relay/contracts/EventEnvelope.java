package dev.relay.contracts;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What travels on every topic: the event's identity and routing facts around the event record itself. The JSON form
 * (see {@link EventCodec}) names the type with its stable wire name and carries the record under {@code data}.
 *
 * @param id event id; consumers de-duplicate on it (also the Kafka header {@code id})
 * @param traceparent W3C trace context of the request that caused the event, or null
 */
public record EventEnvelope(
        UUID id,
        EventType type,
        int schemaVersion,
        Instant occurredAt,
        AggregateType aggregateType,
        String aggregateId,
        UUID runId,
        UUID itemId,
        String traceparent,
        RelayEvent data) {

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(aggregateType, "aggregateType");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(data, "data");
        if (data.eventType() != type) {
            throw new IllegalArgumentException(
                    "envelope type " + type + " does not match data type " + data.eventType());
        }
    }

    /** Wraps an event with a fresh id. */
    public static EventEnvelope wrap(RelayEvent event, String traceparent) {
        return wrap(UUID.randomUUID(), event, traceparent);
    }

    public static EventEnvelope wrap(UUID id, RelayEvent event, String traceparent) {
        EventType type = event.eventType();
        return new EventEnvelope(
                id,
                type,
                type.schemaVersion(),
                event.occurredAt(),
                type.aggregateType(),
                event.aggregateId(),
                event.runIdOrNull(),
                event.itemIdOrNull(),
                traceparent,
                event);
    }

    public String topic() {
        return aggregateType.topic();
    }
}
