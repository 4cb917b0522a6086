package dev.relay.outbox;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.RelayEvent;
import java.sql.Timestamp;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Appends events to this service's outbox inside the caller's transaction, so the state change and its events
 * commit or roll back together. Never publishes to Kafka itself: Debezium relays committed rows.
 */
public class OutboxWriter {

    private final JdbcClient jdbc;
    private final String insertSql;
    private final TraceContext traceContext;

    public OutboxWriter(JdbcClient jdbc, OutboxProperties properties, TraceContext traceContext) {
        this.jdbc = jdbc;
        this.traceContext = traceContext;
        this.insertSql = "INSERT INTO " + properties.table("outbox")
                + " (id, aggregatetype, aggregateid, type, schema_version, payload, traceparent, created_at)"
                + " VALUES (:id, :aggregateType, :aggregateId, :type, :schemaVersion, CAST(:payload AS jsonb),"
                + " :traceparent, :createdAt)";
    }

    /** Appends one event with a fresh event id; returns the envelope as it will appear on the wire. */
    @Transactional(propagation = Propagation.MANDATORY)
    public EventEnvelope append(RelayEvent event) {
        Objects.requireNonNull(event, "event");
        return insert(EventEnvelope.wrap(event, traceContext.currentTraceparent()));
    }

    private EventEnvelope insert(EventEnvelope envelope) {
        jdbc.sql(insertSql)
                .param("id", envelope.id())
                .param("aggregateType", envelope.aggregateType().wireName())
                .param("aggregateId", envelope.aggregateId())
                .param("type", envelope.type().wireName())
                .param("schemaVersion", envelope.schemaVersion())
                .param("payload", EventCodec.toJson(envelope))
                .param("traceparent", envelope.traceparent())
                .param("createdAt", Timestamp.from(envelope.occurredAt()))
                .update();
        return envelope;
    }
}
