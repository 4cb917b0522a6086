package dev.relay.gateway.metering;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Metering's own meters (Prometheus names):
 *
 * <ul>
 *   <li>{@code relay_gateway_usage_events_total{result=sent|journaled|replayed|dropped}}: sent = acknowledged by Kafka
 *       on the direct path; journaled = written to the local journal; replayed = journaled and later acknowledged by
 *       Kafka; dropped = lost (journal queue full, journal over its size cap, journal I/O error, unserialisable,
 *       rejected by Kafka as a bad record)
 *   <li>{@code relay_gateway_usage_journal_pending_events}: journaled, not yet acknowledged by Kafka
 *   <li>{@code relay_gateway_usage_journal_bytes}: journal bytes on disk
 *   <li>{@code relay_gateway_usage_queued_events}: recorded by requests, not yet encoded and handed to Kafka or the
 *       journal by the sender thread
 *   <li>{@code relay_gateway_usage_kafka_available}: 1 while new events go straight to Kafka, 0 while journaled
 *   <li>{@code relay_gateway_usage_producer_errors_total{exception}}: failed sends (direct and replay)
 *   <li>{@code relay_gateway_usage_journal_skipped_total{reason=torn|unreadable}}: journal lines that could not be
 *       replayed (a line cut short by a crash, a line that is not a usage event)
 * </ul>
 */
final class UsageMetrics {

    static final String EVENTS = "relay.gateway.usage.events";
    static final String PENDING = "relay.gateway.usage.journal.pending.events";
    static final String JOURNAL_BYTES = "relay.gateway.usage.journal.bytes";
    static final String QUEUED = "relay.gateway.usage.queued.events";
    static final String KAFKA_AVAILABLE = "relay.gateway.usage.kafka.available";
    static final String PRODUCER_ERRORS = "relay.gateway.usage.producer.errors";
    static final String SKIPPED = "relay.gateway.usage.journal.skipped";

    private final MeterRegistry registry;
    private final Counter sent;
    private final Counter journaled;
    private final Counter replayed;
    private final Counter dropped;

    UsageMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.sent = events("sent");
        this.journaled = events("journaled");
        this.replayed = events("replayed");
        this.dropped = events("dropped");
    }

    private Counter events(String result) {
        return Counter.builder(EVENTS)
                .description("Usage events by where they ended up")
                .tag("result", result)
                .register(registry);
    }

    void sent() {
        sent.increment();
    }

    void journaled(long n) {
        journaled.increment(n);
    }

    void replayed(long n) {
        replayed.increment(n);
    }

    void dropped(long n) {
        dropped.increment(n);
    }

    void producerError(Throwable error) {
        registry.counter(PRODUCER_ERRORS, "exception", error.getClass().getSimpleName())
                .increment();
    }

    void skipped(String reason, long n) {
        registry.counter(SKIPPED, "reason", reason).increment(n);
    }

    void bindJournal(UsageJournal journal) {
        Gauge.builder(PENDING, journal, UsageJournal::pendingEvents)
                .description("Usage events journaled and not yet acknowledged by Kafka")
                .register(registry);
        Gauge.builder(JOURNAL_BYTES, journal, UsageJournal::bytesOnDisk)
                .description("Bytes of the usage journal on disk")
                .baseUnit("bytes")
                .register(registry);
    }

    void bindQueue(Object owner, IntSupplier queued) {
        Gauge.builder(QUEUED, owner, o -> queued.getAsInt())
                .description("Usage events recorded and not yet handed to Kafka or the journal")
                .register(registry);
    }

    void bindAvailability(Object owner, BooleanSupplier available) {
        Gauge.builder(KAFKA_AVAILABLE, owner, o -> available.getAsBoolean() ? 1 : 0)
                .description("1 while usage events go straight to Kafka, 0 while they are journaled")
                .register(registry);
    }
}
