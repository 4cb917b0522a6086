package dev.relay.gateway.metering;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.EventType;
import dev.relay.contracts.MalformedEventException;
import dev.relay.contracts.UsageRecorded;
import dev.relay.outbox.InboundEvents;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
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

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException ex) {
            throw new InternalError("MD5 not supported", ex);
        }
    });

    /**
     * The event id: a name-based UUID of the request id, so a replayed or re-sent event keeps its identity. Equal to
     * {@code UUID.nameUUIDFromBytes("usage:" + requestId)}, with the digest reused per thread instead of looked up
     * from the security providers on every event.
     */
    static UUID eventId(String requestId) {
        MessageDigest md5 = MD5.get();
        md5.reset();
        byte[] h = md5.digest(("usage:" + requestId).getBytes(StandardCharsets.UTF_8));
        h[6] = (byte) ((h[6] & 0x0f) | 0x30); // version 3
        h[8] = (byte) ((h[8] & 0x3f) | 0x80); // IETF variant
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (h[i] & 0xff);
            lsb = (lsb << 8) | (h[i + 8] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    /** The event's record, written by {@link UsageJson} (the same bytes as {@code EventCodec.toJson}). */
    static Outgoing of(UsageRecorded usage) {
        Objects.requireNonNull(usage.requestId(), "requestId");
        Objects.requireNonNull(usage.occurredAt(), "occurredAt");
        UUID id = eventId(usage.requestId());
        return new Outgoing(
                usage.requestId(),
                id,
                EventType.USAGE_RECORDED.schemaVersion(),
                usage.occurredAt().toEpochMilli(),
                UsageJson.envelope(id, usage));
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
