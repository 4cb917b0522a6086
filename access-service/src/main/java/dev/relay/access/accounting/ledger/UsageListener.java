package dev.relay.access.accounting.ledger;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.MalformedEventException;
import dev.relay.contracts.Topics;
import dev.relay.contracts.UsageRecorded;
import dev.relay.outbox.EventDispatcher;
import dev.relay.outbox.InboundEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * The ledger's thin adapter on {@code relay.usage}, in its own consumer group ({@code relay.accounting
 * .usage-consumer-group}, default {@code access-usage}), a poll batch at a time: every record is read (headers
 * demanded, payload typed), the readable ones are applied in one transaction ({@link UsageLedger#apply}), and offsets
 * are committed only after it commits. An unreadable record is dead-lettered after the rest of its batch is applied:
 * the container commits up to it, sends it to {@code relay.usage.DLT} at once (not retried) and redelivers what
 * followed it, which the ledger then finds stored and skips. Any other failure retries the whole batch with backoff,
 * without end: usage is never dropped because the database was away.
 */
@Component
public class UsageListener {

    private static final Logger log = LoggerFactory.getLogger(UsageListener.class);

    private final UsageLedger ledger;
    private final Counter inserted;
    private final Counter duplicates;
    private final Counter poison;

    public UsageListener(UsageLedger ledger, MeterRegistry meters) {
        this.ledger = ledger;
        this.inserted = Counter.builder("relay_access_usage_events")
                .tag("result", "stored")
                .description("usage events the ledger stored (and debited)")
                .register(meters);
        this.duplicates = Counter.builder("relay_access_usage_events")
                .tag("result", "duplicate")
                .register(meters);
        this.poison = Counter.builder("relay_access_usage_events")
                .tag("result", "unreadable")
                .register(meters);
    }

    @KafkaListener(
            id = "access-usage-ledger",
            topics = Topics.USAGE,
            groupId = "${relay.accounting.usage-consumer-group:access-usage}",
            containerFactory = "usageListenerContainerFactory",
            concurrency = "${relay.accounting.usage-concurrency:1}",
            autoStartup = "${relay.accounting.usage-listener:true}",
            properties = {"max.poll.records:${relay.accounting.usage-max-poll-records:1000}"})
    public void onBatch(List<ConsumerRecord<String, String>> records) {
        List<UsageRecorded> events = new ArrayList<>(records.size());
        int firstBad = -1;
        MalformedEventException bad = null;
        for (int i = 0; i < records.size(); i++) {
            try {
                events.add(UsageLedger.validated(usage(InboundEvents.read(records.get(i)))));
            } catch (MalformedEventException ex) {
                if (firstBad < 0) {
                    firstBad = i;
                    bad = ex;
                }
            }
        }
        UsageLedger.Applied applied;
        try {
            applied = ledger.apply(events);
        } catch (RuntimeException ex) {
            // retried by the container with backoff, without end: say so each time, or a stuck ledger is silent
            log.warn("usage batch of {} events not applied, retrying: {}", events.size(), ex.toString());
            throw ex;
        }
        inserted.increment(applied.inserted());
        duplicates.increment(applied.duplicates());
        if (firstBad >= 0) {
            poison.increment();
            log.warn("unreadable usage record dead-lettered: {}", bad.getMessage());
            throw new BatchListenerFailedException(bad.getMessage(), bad, firstBad);
        }
    }

    private static UsageRecorded usage(EventEnvelope envelope) {
        return switch (envelope.data()) {
            case UsageRecorded u -> u;
            default ->
                throw new EventDispatcher.UnhandledEventException(
                        "the usage ledger has no handler for " + envelope.type() + " on " + Topics.USAGE);
        };
    }
}
