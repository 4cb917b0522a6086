package dev.relay.outbox;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.EventType;
import dev.relay.contracts.MalformedEventException;
import dev.relay.contracts.RelayEvent;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one listener template: a service's Kafka listener is a few lines that build one of these and call {@link
 * #dispatch}. It reads the record ({@link InboundEvents#read}: the {@code id} and {@code eventType} headers are
 * required and must agree with the payload), then in one transaction marks the event processed for this consumer
 * ({@link InboxGuard}; a redelivery is skipped) and calls the typed handler of the event's sealed type. A type the
 * consumer neither handles nor explicitly ignores is dead-lettered, the same way everywhere ({@link
 * UnhandledEventException} is a {@link MalformedEventException}: not retried); an exception from a handler rolls the
 * transaction back and is retried by the container's error handler, then dead-lettered.
 *
 * <pre>{@code
 * EventDispatcher dispatcher = EventDispatcher.forConsumer("probe-service", inbox, tx)
 *         .on(ItemSubmitted.class, (e, envelope) -> probes.accept(e))
 *         .ignoring(EventType.ITEM_PROBED, EventType.ITEM_PROVISIONED)
 *         .build();
 * }</pre>
 */
public final class EventDispatcher {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    /** A typed handler; runs inside the dispatch transaction. */
    @FunctionalInterface
    public interface Handler<E extends RelayEvent> {
        void handle(E event, EventEnvelope envelope) throws Exception;
    }

    /** A known event type this consumer has no handler for and did not declare as ignored. */
    public static final class UnhandledEventException extends MalformedEventException {
        public UnhandledEventException(String message) {
            super(message);
        }
    }

    /** What a dispatch did, for metrics and tests. */
    public enum Outcome {
        HANDLED,
        DUPLICATE,
        IGNORED
    }

    private final String consumer;
    private final InboxGuard inbox;
    private final TransactionTemplate tx;
    private final Map<Class<? extends RelayEvent>, Handler<? extends RelayEvent>> handlers;
    private final Set<EventType> ignored;

    private EventDispatcher(Builder b) {
        this.consumer = b.consumer;
        this.inbox = b.inbox;
        this.tx = b.tx;
        this.handlers = Map.copyOf(b.handlers);
        this.ignored = b.ignored.isEmpty() ? Set.of() : EnumSet.copyOf(b.ignored);
    }

    public static Builder forConsumer(String consumer, InboxGuard inbox, TransactionTemplate tx) {
        return new Builder(consumer, inbox, tx);
    }

    /**
     * Reads and applies one record exactly once for this consumer.
     *
     * @throws MalformedEventException for an unreadable record or a type this consumer does not know what to do with
     */
    public Outcome dispatch(ConsumerRecord<String, String> record) {
        if (ignoredByHeader(record)) {
            return Outcome.IGNORED;
        }
        return dispatch(InboundEvents.read(record), where(record));
    }

    /** Applies an already read envelope (e.g. one replayed from a store). */
    public Outcome dispatch(EventEnvelope envelope, String where) {
        Handler<RelayEvent> handler = handlerFor(envelope, where);
        if (handler == null) {
            return Outcome.IGNORED;
        }
        return tx.execute(status -> apply(handler, envelope));
    }

    /**
     * Applies one poll's records (a batch listener's list) in <em>one</em> transaction: one commit, and one WAL flush,
     * instead of one per record, which is most of what an event costs PostgreSQL. If anything in the batch fails the
     * transaction is rolled back and the records are applied again one by one, each in its own transaction, so the
     * failing record is found, the ones before it are kept, and the container's error handler retries or
     * dead-letters exactly that record ({@link BatchListenerFailedException} with its index). Handlers must be safe to
     * run again after a rollback, which they already are: a redelivery does the same.
     *
     * @throws BatchListenerFailedException naming the first record that could not be applied on its own
     */
    public void dispatchAll(List<ConsumerRecord<String, String>> records) {
        if (records.size() > 1) {
            try {
                tx.executeWithoutResult(status -> records.forEach(this::applyRecord));
                return;
            } catch (RuntimeException batchFailed) {
                log.debug(
                        "{}: a batch of {} records failed ({}); applying them one by one",
                        consumer,
                        records.size(),
                        batchFailed.toString());
            }
        }
        for (int i = 0; i < records.size(); i++) {
            try {
                dispatch(records.get(i));
            } catch (RuntimeException ex) {
                throw new BatchListenerFailedException(
                        where(records.get(i)) + ": " + ex.getMessage(), ex, records.get(i));
            }
        }
    }

    /**
     * Whether the record's {@code eventType} header names a type this consumer ignores: such a record is skipped
     * without parsing its payload (most records on a shared topic are of no interest to a given consumer, and reading
     * the envelope was most of what skipping them cost). A missing or unknown header is left to
     * {@link InboundEvents#read}, which reports it.
     */
    private boolean ignoredByHeader(ConsumerRecord<String, String> record) {
        if (ignored.isEmpty()) {
            return false;
        }
        String type = InboundEvents.header(record, InboundEvents.HEADER_EVENT_TYPE);
        return type != null
                && EventType.fromWireName(type).map(ignored::contains).orElse(false);
    }

    /** One record's inbox mark and handler, in the caller's transaction (the batch's). */
    private Outcome applyRecord(ConsumerRecord<String, String> record) {
        if (ignoredByHeader(record)) {
            return Outcome.IGNORED;
        }
        EventEnvelope envelope = InboundEvents.read(record);
        Handler<RelayEvent> handler = handlerFor(envelope, where(record));
        return handler == null ? Outcome.IGNORED : apply(handler, envelope);
    }

    private static String where(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }

    /** The handler of the envelope's type; {@code null} for a type this consumer ignores. */
    @SuppressWarnings("unchecked")
    private Handler<RelayEvent> handlerFor(EventEnvelope envelope, String where) {
        Handler<RelayEvent> handler =
                (Handler<RelayEvent>) handlers.get(envelope.data().getClass());
        if (handler == null && !ignored.contains(envelope.type())) {
            throw new UnhandledEventException(
                    where + ": " + consumer + " has no handler for " + envelope.type() + " and does not ignore it");
        }
        return handler;
    }

    private Outcome apply(Handler<RelayEvent> handler, EventEnvelope envelope) {
        if (!inbox.markProcessed(consumer, envelope.id(), envelope.type().wireName())) {
            return Outcome.DUPLICATE;
        }
        try {
            handler.handle(envelope.data(), envelope);
        } catch (RuntimeException ex) {
            throw ex;
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        return Outcome.HANDLED;
    }

    public static final class Builder {
        private final String consumer;
        private final InboxGuard inbox;
        private final TransactionTemplate tx;
        private final Map<Class<? extends RelayEvent>, Handler<? extends RelayEvent>> handlers = new HashMap<>();
        private final Set<EventType> ignored = EnumSet.noneOf(EventType.class);

        private Builder(String consumer, InboxGuard inbox, TransactionTemplate tx) {
            this.consumer = consumer;
            this.inbox = inbox;
            this.tx = tx;
        }

        public <E extends RelayEvent> Builder on(Class<E> type, Handler<E> handler) {
            if (handlers.put(type, handler) != null) {
                throw new IllegalStateException(type.getSimpleName() + " has two handlers");
            }
            return this;
        }

        /** Types on this consumer's topics that it deliberately does nothing with. */
        public Builder ignoring(EventType... types) {
            ignored.addAll(Set.of(types));
            return this;
        }

        public EventDispatcher build() {
            for (EventType t : ignored) {
                if (handlers.containsKey(t.recordType())) {
                    throw new IllegalStateException(t + " is both handled and ignored");
                }
            }
            return new EventDispatcher(this);
        }
    }
}
