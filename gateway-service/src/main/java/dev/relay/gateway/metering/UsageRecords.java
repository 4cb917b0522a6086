package dev.relay.gateway.metering;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.EventType;
import dev.relay.contracts.MalformedEventException;
import dev.relay.contracts.UsageRecorded;
import dev.relay.outbox.InboundEvents;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Kafka form of a usage event, shared by the direct path and the replayer so that a replayed event is
 * byte-for-byte the record that would have been sent: key = request id, value = envelope JSON (also the journal line),
 * headers {@code id}, {@code eventType}, {@code schemaVersion}, timestamp = {@code occurredAt}.
 */
final class UsageRecords {

    private UsageRecords() {}

    /** One event ready to send or to journal. */
    record Outgoing(String key, UUID id, int schemaVersion, long timestamp, String json) {
        ProducerRecord<String, String> toRecord(String topic) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(InboundEvents.HEADER_ID, id.toString().getBytes(StandardCharsets.UTF_8));
            headers.add(
                    InboundEvents.HEADER_EVENT_TYPE,
                    EventType.USAGE_RECORDED.wireName().getBytes(StandardCharsets.UTF_8));
            headers.add(
                    InboundEvents.HEADER_SCHEMA_VERSION,
                    Integer.toString(schemaVersion).getBytes(StandardCharsets.UTF_8));
            return new ProducerRecord<>(topic, null, timestamp, key, json, headers);
        }
    }

    /** The event id: a name-based UUID of the request id, so a replayed or re-sent event keeps its identity. */
    static UUID eventId(String requestId) {
        return UUID.nameUUIDFromBytes(("usage:" + requestId).getBytes(StandardCharsets.UTF_8));
    }

    static Outgoing of(UsageRecorded usage) {
        EventEnvelope envelope = EventEnvelope.wrap(eventId(usage.requestId()), usage, null);
        return new Outgoing(
                envelope.aggregateId(),
                envelope.id(),
                envelope.schemaVersion(),
                envelope.occurredAt().toEpochMilli(),
                EventCodec.toJson(envelope));
    }

    /**
     * Reads a journal line back. Fully decoded (not just the id) so that a line a consumer could not read is found here
     * and skipped rather than dead-lettered downstream.
     *
     * @throws MalformedEventException when the line is not a usage event envelope
     */
    static Outgoing fromJournalLine(String line) {
        EventEnvelope envelope = EventCodec.fromJson(line);
        if (envelope.type() != EventType.USAGE_RECORDED) {
            throw new MalformedEventException("journal line is a " + envelope.type() + ", not a usage event");
        }
        return new Outgoing(
                envelope.aggregateId(),
                envelope.id(),
                envelope.schemaVersion(),
                envelope.occurredAt().toEpochMilli(),
                line);
    }
}
