package dev.relay.outbox;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Reads a Kafka record into an {@link EventEnvelope} for a thin listener adapter: the {@code id} and
 * {@code eventType} headers must be present and agree with the payload, otherwise the record is poison
 * ({@link MalformedEventException}: not retried, dead-lettered).
 */
public final class InboundEvents {

    public static final String HEADER_ID = "id";
    public static final String HEADER_EVENT_TYPE = "eventType";
    public static final String HEADER_SCHEMA_VERSION = "schemaVersion";

    private InboundEvents() {}

    public static EventEnvelope read(ConsumerRecord<String, String> record) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        String idHeader = header(record, HEADER_ID);
        String typeHeader = header(record, HEADER_EVENT_TYPE);
        if (idHeader == null) {
            throw new MalformedEventException(where + ": missing header '" + HEADER_ID + "'");
        }
        if (typeHeader == null) {
            throw new MalformedEventException(where + ": missing header '" + HEADER_EVENT_TYPE + "'");
        }
        EventEnvelope envelope;
        try {
            envelope = EventCodec.fromJson(record.value());
        } catch (MalformedEventException ex) {
            throw new MalformedEventException(where + ": " + ex.getMessage(), ex);
        }
        UUID id = parseId(idHeader, where);
        if (!envelope.id().equals(id) || !envelope.type().wireName().equals(typeHeader)) {
            throw new MalformedEventException(where + ": headers (" + idHeader + ", " + typeHeader
                    + ") disagree with payload (" + envelope.id() + ", " + envelope.type() + ")");
        }
        return envelope;
    }

    private static UUID parseId(String s, String where) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException ex) {
            throw new MalformedEventException(where + ": header id is not a UUID: " + s, ex);
        }
    }

    /** The last value of a header as UTF-8 text, or null when absent or null-valued. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        if (h == null || h.value() == null) {
            return null;
        }
        String v = new String(h.value(), StandardCharsets.UTF_8);
        // Debezium's SimpleHeaderConverter writes strings as-is; tolerate a JSON-quoted form as well.
        if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            v = v.substring(1, v.length() - 1);
        }
        return v;
    }
}
