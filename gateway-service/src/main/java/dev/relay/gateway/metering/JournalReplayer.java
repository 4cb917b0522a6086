package dev.relay.gateway.metering;

import dev.relay.contracts.MalformedEventException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background thread that sends journaled events to Kafka, oldest first, and advances the journal past exactly the
 * prefix Kafka acknowledged (at-least-once: a round that fails part-way is sent again from its first unacknowledged
 * event, so events after it that did arrive are sent twice; consumers de-duplicate on the event id).
 *
 * <p>Sending the oldest journaled events is also the probe: a round acknowledged in full switches the sink back to
 * direct sends. Idle, it looks every {@code replay-interval}. It also watches direct sends: in flight with no
 * acknowledgement for {@code stall-timeout} switches the sink to the journal before the producer's own
 * {@code delivery.timeout.ms} would.
 */
final class JournalReplayer {

    private static final Logger log = LoggerFactory.getLogger(JournalReplayer.class);
    private static final long WARMUP_POLL_NANOS = Duration.ofMillis(100).toNanos();
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(30).toNanos();
    private static final long RECREATE_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

    private final KafkaUsageSink sink;
    private final UsageJournal journal;
    private final UsageMetrics metrics;
    private final String topic;
    private final int batchSize;
    private final long intervalNanos;
    private final long ackTimeoutNanos;
    private final long stallNanos;
    private final Thread thread;
    private volatile boolean running = true;

    // replayer thread only
    private boolean metadataSeen;
    private long lastAcknowledged = -1;
    private long stallSince;
    private long lastWarn = System.nanoTime() - WARN_EVERY_NANOS;
    private long lastRecreate = System.nanoTime() - RECREATE_EVERY_NANOS;
    private long replayedSinceBacklog;

    JournalReplayer(
            KafkaUsageSink sink,
            UsageJournal journal,
            UsageMetrics metrics,
            String topic,
            int batchSize,
            Duration interval,
            Duration ackTimeout,
            Duration stallTimeout) {
        this.sink = sink;
        this.journal = journal;
        this.metrics = metrics;
        this.topic = topic;
        this.batchSize = batchSize;
        this.intervalNanos = Math.max(1, interval.toNanos());
        this.ackTimeoutNanos = ackTimeout.toNanos();
        this.stallNanos = stallTimeout.toNanos();
        this.thread =
                Thread.ofPlatform().name("relay-usage-replayer").daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    void stop() {
        running = false;
        LockSupport.unpark(thread);
    }

    void join(Duration timeout) {
        try {
            thread.join(timeout);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running) {
            boolean progressed = false;
            try {
                watchDirectSends();
                progressed = step();
            } catch (Throwable t) {
                warn("usage replayer: unexpected failure", t);
            }
            if (!progressed && running) {
                LockSupport.parkNanos(this, metadataSeen ? intervalNanos : Math.min(intervalNanos, WARMUP_POLL_NANOS));
            }
        }
    }

    /** @return true when a round was acknowledged and the next one should start at once */
    private boolean step() throws IOException {
        Producer<String, String> producer = sink.producer();
        if (producer == null) {
            metadataSeen = false;
            if (sink.newProducer() == null) {
                return false;
            }
            producer = sink.producer();
        }
        if (!metadataSeen) {
            // a new producer: every send fails at once (max.block.ms=0) until it knows the topic, so ask (without
            // waiting) every 100 ms; with nothing to replay that is also when direct sends start
            if (!hasMetadata(producer)) {
                return false;
            }
            metadataSeen = true;
            if (journal.pendingEvents() == 0) {
                sink.markAvailable();
            }
        }
        UsageJournal.Batch batch = journal.read(batchSize);
        if (batch.isEmpty() || !running) {
            return false;
        }
        return replay(producer, batch);
    }

    private boolean hasMetadata(Producer<String, String> producer) {
        try {
            return !producer.partitionsFor(topic).isEmpty(); // max.block.ms=0: asks for metadata, never waits
        } catch (KafkaException ex) {
            return false;
        }
    }

    private boolean replay(Producer<String, String> producer, UsageJournal.Batch batch) throws IOException {
        int n = batch.size();
        List<Future<RecordMetadata>> futures = new ArrayList<>(n);
        boolean[] unreadable = new boolean[n];
        for (int i = 0; i < n; i++) {
            UsageJournal.Entry entry = batch.entries().get(i);
            UsageRecords.Outgoing out;
            try {
                out = UsageRecords.fromJournalLine(entry.line());
            } catch (MalformedEventException ex) {
                unreadable[i] = true;
                futures.add(null);
                warn("usage journal: skipping an unreadable line before " + entry.end() + ": " + ex.getMessage(), null);
                continue;
            }
            Future<RecordMetadata> f;
            try {
                f = producer.send(out.toRecord(topic));
            } catch (RuntimeException ex) {
                f = new FailedFuture(ex);
            }
            futures.add(f);
            if (f.isDone() && failed(f)) {
                break; // e.g. no metadata yet: the rest would fail the same way
            }
        }

        long deadline = System.nanoTime() + ackTimeoutNanos;
        int delivered = 0;
        int skipped = 0;
        int rejected = 0;
        Throwable failure = null;
        for (int i = 0; i < futures.size(); i++) {
            if (unreadable[i]) {
                skipped++;
                delivered++;
                continue;
            }
            try {
                futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                delivered++;
            } catch (ExecutionException ex) {
                Throwable cause = ex.getCause() == null ? ex : ex.getCause();
                metrics.producerError(cause);
                if (KafkaUsageSink.isRejectedRecord(cause)) {
                    rejected++;
                    delivered++;
                    continue;
                }
                failure = cause;
                break;
            } catch (TimeoutException ex) {
                failure = ex;
                break;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                failure = ex;
                break;
            }
        }

        journal.acknowledge(batch, delivered);
        metrics.replayed(delivered - skipped - rejected);
        if (skipped > 0) {
            metrics.skipped("unreadable", skipped);
        }
        if (rejected > 0) {
            metrics.dropped(rejected);
            warn("usage journal: Kafka rejected " + rejected + " journaled events; dropped", null);
        }
        replayedSinceBacklog += delivered;

        if (failure instanceof BufferExhaustedException && delivered > 0) {
            return true; // Kafka is busy, not away: go on with what the buffer can take
        }
        if (failure == null) {
            sink.markAvailable();
            if (journal.pendingEvents() == 0) {
                log.info("usage journal drained: {} events replayed to Kafka", replayedSinceBacklog);
                replayedSinceBacklog = 0;
            }
            return true;
        }
        sink.markUnavailable(failure);
        if (!sink.closing()) {
            warn(
                    "usage journal: replay paused, Kafka did not acknowledge (" + failure + "); "
                            + journal.pendingEvents() + " events wait",
                    null);
            maybeRecreateProducer(failure);
        }
        return false;
    }

    /** A producer left in a fatal state (a non-retriable, non-record error) is replaced, at most every 30 s. */
    private void maybeRecreateProducer(Throwable failure) {
        boolean transientFailure = failure instanceof RetriableException
                || failure instanceof TimeoutException
                || failure instanceof InterruptedException;
        long now = System.nanoTime();
        if (!transientFailure && now - lastRecreate >= RECREATE_EVERY_NANOS) {
            lastRecreate = now;
            log.warn("usage events: replacing the Kafka producer after {}", failure.toString());
            sink.newProducer();
            metadataSeen = false;
        }
    }

    /** Direct sends in flight with no acknowledgement at all for {@code stall-timeout}: Kafka is away. */
    private void watchDirectSends() {
        long acknowledged = sink.directAcknowledged();
        long now = System.nanoTime();
        if (sink.kafkaAvailable() && sink.directInFlight() > 0 && acknowledged == lastAcknowledged) {
            if (stallSince == 0) {
                stallSince = now;
            } else if (now - stallSince >= stallNanos) {
                sink.markUnavailable("no acknowledgement from Kafka for " + Duration.ofNanos(now - stallSince));
                stallSince = 0;
            }
        } else {
            stallSince = 0;
        }
        lastAcknowledged = acknowledged;
    }

    private static boolean failed(Future<?> f) {
        try {
            f.get(0, TimeUnit.NANOSECONDS);
            return false;
        } catch (ExecutionException | TimeoutException ex) {
            return true;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void warn(String message, Throwable error) {
        long now = System.nanoTime();
        if (now - lastWarn >= WARN_EVERY_NANOS) {
            lastWarn = now;
            if (error == null) {
                log.warn(message);
            } else {
                log.warn(message, error);
            }
        }
    }

    /** A send that failed before reaching the producer. */
    private record FailedFuture(RuntimeException error) implements Future<RecordMetadata> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public RecordMetadata get() throws ExecutionException {
            throw new ExecutionException(error);
        }

        @Override
        public RecordMetadata get(long timeout, TimeUnit unit) throws ExecutionException {
            throw new ExecutionException(error);
        }
    }
}
