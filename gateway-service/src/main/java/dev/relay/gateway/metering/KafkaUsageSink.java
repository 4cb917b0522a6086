package dev.relay.gateway.metering;

import dev.relay.contracts.UsageRecorded;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's {@link UsageSink}: each event goes straight to Kafka through this sink's own idempotent producer
 * ({@code acks=all}, {@code max.block.ms=0}); while Kafka is unavailable it goes to the local {@link UsageJournal}
 * instead, and a {@link JournalReplayer} sends journaled events once Kafka is back (also after a restart).
 *
 * <p>{@link #record} runs on request threads (Netty event loops) and only queues the event (a lock-free queue, no
 * wake-up): the sink's sender thread drains the queue every millisecond or so, serialises each envelope
 * ({@link UsageJson}) and either hands the record to the producer (which never blocks with {@code max.block.ms=0}: no
 * metadata yet or a full buffer fail the send at once) or queues the line for the journal writer. Draining in batches
 * off the event loop keeps the per-request cost at one queue insert; the 2026-12-01 profile had serialisation and
 * {@code send} on the event loop at a fifth of the edge's CPU. Should the queue ever hold {@value #QUEUE_CAPACITY}
 * events (the sender thread stalled), {@code record} does the sender's work itself. It never does I/O and never
 * throws.
 *
 * <p>Switching: the sink starts in "journal" mode until the producer has the topic's metadata. A failed direct send
 * (after the producer's own retries, i.e. {@code delivery.timeout.ms}), a synchronous send failure, or direct sends
 * that see no acknowledgement for {@code stall-timeout} switch new events to the journal; a replay round that Kafka
 * acknowledged in full switches them back. The failed event itself is journaled, so nothing is lost either way.
 */
public final class KafkaUsageSink implements UsageSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaUsageSink.class);
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final String topic;
    private final Map<String, Object> producerConfig;
    private final Duration closeTimeout;
    private final UsageJournal journal;
    private final UsageMetrics metrics;
    private final JournalReplayer replayer;
    private final AtomicReference<Producer<String, String>> producer = new AtomicReference<>();
    private final AtomicLong directInFlight = new AtomicLong();
    private final AtomicLong directAcknowledged = new AtomicLong();
    private final AtomicLong lastDropWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final AtomicLong lastSwitchLog = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private volatile boolean available;
    private volatile boolean closing;

    static final int QUEUE_CAPACITY = 65_536;
    private static final long BUSY_PARK_NANOS = Duration.ofMillis(1).toNanos();
    private static final long IDLE_PARK_NANOS = Duration.ofMillis(20).toNanos();
    private static final int IDLE_ROUNDS = 1000;
    private final ConcurrentLinkedQueue<UsageRecorded> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Thread sender;
    private volatile boolean senderStopping;
    private volatile boolean senderExited;

    private KafkaUsageSink(
            MeteringProperties properties,
            Map<String, Object> producerConfig,
            UsageJournal journal,
            UsageMetrics metrics) {
        this.topic = properties.topic();
        this.producerConfig = Map.copyOf(producerConfig);
        this.closeTimeout = properties.closeTimeout();
        this.journal = journal;
        this.metrics = metrics;
        metrics.bindJournal(journal);
        metrics.bindAvailability(this, this::kafkaAvailable);
        metrics.bindQueue(this, queued::get);
        newProducer();
        this.replayer = new JournalReplayer(
                this,
                journal,
                metrics,
                topic,
                properties.replayBatchSize(),
                properties.replayInterval(),
                properties.deliveryTimeout().plus(properties.requestTimeout()),
                properties.stallTimeout());
        replayer.start();
        this.sender =
                Thread.ofPlatform().name("relay-usage-sender").daemon(true).unstarted(this::runSender);
        sender.start();
    }

    /**
     * Opens the journal (replaying what an earlier run left there), creates the producer and starts the replayer.
     *
     * @param producerConfig complete producer configuration, see {@link #producerConfig}
     */
    public static KafkaUsageSink start(
            MeteringProperties properties,
            Map<String, Object> producerConfig,
            UsageJournal.Settings journalSettings,
            MeterRegistry registry)
            throws IOException {
        UsageMetrics metrics = new UsageMetrics(registry);
        UsageJournal journal = UsageJournal.open(journalSettings, metrics);
        try {
            return new KafkaUsageSink(properties, producerConfig, journal, metrics);
        } catch (RuntimeException ex) {
            journal.close();
            throw ex;
        }
    }

    /**
     * The producer configuration: {@code base} (e.g. Spring's {@code spring.kafka.producer.*} and security settings)
     * with metering's own settings on top: idempotence, {@code acks=all}, String key and value, batching and the
     * timeouts from {@code properties}.
     */
    public static Map<String, Object> producerConfig(
            MeteringProperties properties, String bootstrapServers, Map<String, Object> base) {
        Map<String, Object> c = new HashMap<>(base);
        c.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.LINGER_MS_CONFIG, (int) properties.linger().toMillis());
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, (int) properties.batchSize().toBytes());
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, properties.compression());
        c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, properties.bufferMemory().toBytes());
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, properties.maxBlock().toMillis());
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int)
                properties.requestTimeout().toMillis());
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int)
                properties.deliveryTimeout().toMillis());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "relay-gateway-usage");
        return c;
    }

    // ------------------------------------------------------------------------------------------------ hot path

    @Override
    public void record(UsageRecorded usage) {
        if (usage == null) {
            metrics.dropped(1);
            warnDrop("cannot serialise usage event null", new NullPointerException("usage"));
            return;
        }
        if (!senderExited) {
            if (queued.incrementAndGet() <= QUEUE_CAPACITY) {
                queue.offer(usage);
                if (senderExited) {
                    drain(); // the sender stopped between the check and the insert: nobody else will take it
                }
                return;
            }
            queued.decrementAndGet();
        }
        emit(usage);
    }

    /** The sender thread: drains the queue in batches, sleeping between drains (1 ms while busy, 20 ms when idle). */
    private void runSender() {
        int idle = 0;
        while (true) {
            boolean stopping = senderStopping;
            int n;
            try {
                n = drain();
            } catch (Throwable t) { // emit never throws; this is a last line against a silently dead sender
                log.error("usage events: the sender failed, continuing", t);
                n = 0;
            }
            if (stopping && queue.isEmpty()) {
                break;
            }
            idle = n == 0 ? Math.min(idle + 1, IDLE_ROUNDS) : 0;
            LockSupport.parkNanos(idle >= IDLE_ROUNDS ? IDLE_PARK_NANOS : BUSY_PARK_NANOS);
        }
        senderExited = true;
        drain();
    }

    /** Hands every queued event to Kafka or the journal; returns how many. */
    private int drain() {
        int n = 0;
        UsageRecorded u;
        while ((u = queue.poll()) != null) {
            queued.decrementAndGet();
            emit(u);
            n++;
        }
        return n;
    }

    /** Serialises one event and sends it, or journals it. */
    private void emit(UsageRecorded usage) {
        UsageRecords.Outgoing out;
        try {
            out = UsageRecords.of(usage);
        } catch (RuntimeException ex) {
            metrics.dropped(1);
            warnDrop("cannot serialise usage event " + (usage == null ? null : usage.requestId()), ex);
            return;
        }
        Producer<String, String> p = producer.get();
        if (available && !closing && p != null) {
            DirectSend callback = new DirectSend(out);
            directInFlight.incrementAndGet();
            try {
                p.send(out.toRecord(topic), callback);
            } catch (RuntimeException ex) {
                callback.onCompletion(null, ex);
            }
        } else {
            journal.append(out.json());
        }
    }

    /** Completion of one direct send; runs on the producer's I/O thread, or on the caller's for an immediate failure. */
    private final class DirectSend extends AtomicBoolean implements Callback {
        private final UsageRecords.Outgoing out;

        DirectSend(UsageRecords.Outgoing out) {
            this.out = out;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception error) {
            if (!compareAndSet(false, true)) {
                return;
            }
            directInFlight.decrementAndGet();
            if (error == null) {
                directAcknowledged.incrementAndGet();
                metrics.sent();
                return;
            }
            metrics.producerError(error);
            if (isRejectedRecord(error)) {
                metrics.dropped(1);
                warnDrop("Kafka rejected usage event " + out.key(), error);
                return;
            }
            markUnavailable(error);
            journal.append(out.json());
        }
    }

    /** A failure of this one record that no retry can fix: dropped (and counted) rather than journaled forever. */
    static boolean isRejectedRecord(Throwable error) {
        return error instanceof RecordTooLargeException
                || error instanceof InvalidRecordException
                || error instanceof SerializationException;
    }

    private void warnDrop(String message, Throwable error) {
        if (throttle(lastDropWarn)) {
            log.warn("{}: dropped ({})", message, error.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------ state

    /** True while new events go straight to Kafka. */
    public boolean kafkaAvailable() {
        return available;
    }

    /** The journal (for its gauges and for operators' tooling). */
    public UsageJournal journal() {
        return journal;
    }

    void markUnavailable(Object reason) {
        if (available) {
            available = false;
            if (!closing && throttle(lastSwitchLog)) {
                log.warn(
                        "usage events: Kafka unavailable ({}); journaling to {} until it is back",
                        reason,
                        journal.directory());
            }
        }
    }

    void markAvailable() {
        if (!available && !closing) {
            available = true;
            if (throttle(lastSwitchLog)) {
                log.info(
                        "usage events: Kafka available, sending directly ({} journaled events left to replay)",
                        journal.pendingEvents());
            }
        }
    }

    /** At most one log line per 10 s from one source (a full producer buffer can switch modes many times a second). */
    private static boolean throttle(AtomicLong last) {
        long now = System.nanoTime();
        long before = last.get();
        return now - before >= WARN_EVERY_NANOS && last.compareAndSet(before, now);
    }

    boolean closing() {
        return closing;
    }

    long directInFlight() {
        return directInFlight.get();
    }

    long directAcknowledged() {
        return directAcknowledged.get();
    }

    Producer<String, String> producer() {
        return producer.get();
    }

    /** Creates the producer; null (journal everything, retry later) when the client cannot even be constructed. */
    Producer<String, String> newProducer() {
        if (closing) {
            return null;
        }
        Map<String, Object> c = new HashMap<>(producerConfig);
        c.put(
                ProducerConfig.CLIENT_ID_CONFIG,
                c.get(ProducerConfig.CLIENT_ID_CONFIG) + "-" + CLIENT_IDS.incrementAndGet());
        Producer<String, String> created;
        try {
            created = new KafkaProducer<>(c);
        } catch (RuntimeException ex) {
            metrics.producerError(ex);
            log.warn("usage events: cannot create the Kafka producer, journaling ({})", ex.toString());
            return null;
        }
        Producer<String, String> old = producer.getAndSet(created);
        if (old != null) {
            // its unsent records fail at once and are journaled by their callbacks
            closeProducer(old, Duration.ZERO);
        }
        return created;
    }

    private static void closeProducer(Producer<String, String> p, Duration timeout) {
        try {
            p.close(timeout);
        } catch (RuntimeException ex) {
            log.warn("usage events: closing the Kafka producer failed", ex);
        }
    }

    /**
     * Stops the replayer, gives in-flight events {@code close-timeout} to be acknowledged (the rest are journaled),
     * then writes and forces the journal. Events recorded while closing are journaled.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        // the queued events first, while direct sends are still possible
        senderStopping = true;
        LockSupport.unpark(sender);
        try {
            sender.join(closeTimeout.toMillis() + 1000);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        closing = true;
        available = false;
        drain(); // only if the sender did not finish in time
        replayer.stop();
        Producer<String, String> p = producer.get();
        if (p != null) {
            closeProducer(p, closeTimeout);
        }
        replayer.join(closeTimeout.plusSeconds(5));
        Producer<String, String> last = producer.get();
        if (last != null && last != p) {
            closeProducer(last, Duration.ZERO);
        }
        journal.close();
    }
}
