package dev.relay.imports.console;

import dev.relay.contracts.Topics;
import dev.relay.imports.projection.ItemEventsListener;
import dev.relay.outbox.InboundEvents;
import dev.relay.outbox.InboxGuard;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live updates for the console: one Kafka consumer per process reads the item, run, usage and reconcile topics from
 * their end (assigned partitions, no consumer group: nothing to clean up, nothing committed) and tells every open
 * page, as server-sent events {@code item} (data: the run id), {@code usage} and {@code drift}, at most every 500 ms
 * per kind, so a busy pipeline costs a page a few refreshes a second, not one per event.
 *
 * <p>A page re-reads the run projection when told, so an item event is announced only once the projection (of any
 * import-service replica) has applied it — its inbox row is committed — or after {@link #PROJECTION_WAIT} at the
 * latest (an event the projection ignores). Announcing on arrival raced the projection: the page re-rendered the
 * state before the last event and, with no event after it, stayed there.
 */
@Component
public class ConsoleStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConsoleStream.class);
    private static final Map<String, String> EVENTS = Map.of(
            Topics.IMPORT_ITEM, "item", Topics.IMPORT_RUN, "item", Topics.USAGE, "usage", Topics.RECONCILE, "drift");
    static final Duration PROJECTION_WAIT = Duration.ofSeconds(3);

    /** An item event the page must not hear of before the projection shows it. */
    private record Awaited(UUID eventId, String runId, long arrivedNanos) {}

    private final String bootstrap;
    private final InboxGuard inbox;
    private final ConcurrentLinkedQueue<Awaited> awaited = new ConcurrentLinkedQueue<>();
    private final List<SseEmitter> pages = new CopyOnWriteArrayList<>();
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread reader;
    private Thread flusher;

    public ConsoleStream(
            @Value("${spring.kafka.bootstrap-servers:127.0.0.1:9092}") String bootstrap, InboxGuard inbox) {
        this.bootstrap = bootstrap;
        this.inbox = inbox;
    }

    /** A page subscribes; it is dropped when it goes away. */
    public SseEmitter open() {
        SseEmitter e = new SseEmitter(0L);
        pages.add(e);
        e.onCompletion(() -> pages.remove(e));
        e.onTimeout(() -> pages.remove(e));
        e.onError(x -> pages.remove(e));
        try {
            e.send(SseEmitter.event().name("hello").data("live"));
        } catch (IOException ex) {
            pages.remove(e);
        }
        return e;
    }

    @Override
    public void start() {
        running = true;
        reader = Thread.ofPlatform().daemon().name("console-stream-kafka").start(this::read);
        flusher = Thread.ofPlatform().daemon().name("console-stream-flush").start(this::flush);
    }

    private void read() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        while (running) {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
                List<TopicPartition> parts = new ArrayList<>();
                for (String topic : EVENTS.keySet()) {
                    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                    if (infos != null) {
                        infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
                    }
                }
                consumer.assign(parts);
                consumer.seekToEnd(parts);
                while (running) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        String name = EVENTS.get(r.topic());
                        UUID id = Topics.IMPORT_ITEM.equals(r.topic()) ? idOf(r) : null;
                        if (id != null) {
                            awaited.add(new Awaited(id, runOf(r), System.nanoTime()));
                        } else if (name != null) {
                            pending.put(name, runOf(r));
                        }
                    }
                }
            } catch (RuntimeException ex) {
                if (running) {
                    log.warn("console live updates paused (Kafka): {}; retrying", ex.toString());
                    sleep(5_000);
                }
            }
        }
    }

    /** The run id of an item event (its envelope's runId), for the pages that show one run. */
    private static String runOf(ConsumerRecord<String, String> r) {
        String v = r.value();
        if (v == null) {
            return "";
        }
        int i = v.indexOf("\"runId\":\"");
        return i < 0 ? "" : v.substring(i + 9, Math.min(v.length(), i + 9 + 36));
    }

    private static UUID idOf(ConsumerRecord<String, String> r) {
        try {
            String id = InboundEvents.header(r, InboundEvents.HEADER_ID);
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /** Moves the item events the projection has applied (or that waited long enough) to the pending announcements. */
    private void settle() {
        if (awaited.isEmpty()) {
            return;
        }
        List<Awaited> waiting = List.copyOf(awaited);
        Set<UUID> applied;
        try {
            applied = inbox.applied(
                    ItemEventsListener.CONSUMER,
                    waiting.stream().map(Awaited::eventId).toList());
        } catch (RuntimeException ex) {
            applied = Set.of();
        }
        long now = System.nanoTime();
        for (Awaited a : waiting) {
            if (applied.contains(a.eventId()) || now - a.arrivedNanos() > PROJECTION_WAIT.toNanos()) {
                awaited.remove(a);
                pending.put("item", a.runId());
            }
        }
    }

    private void flush() {
        while (running) {
            sleep(500);
            settle();
            for (String name : List.copyOf(pending.keySet())) {
                String data = pending.remove(name);
                if (data == null) {
                    continue;
                }
                for (SseEmitter e : pages) {
                    try {
                        e.send(SseEmitter.event().name(name).data(data));
                    } catch (IOException | IllegalStateException ex) {
                        pages.remove(e);
                    }
                }
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        running = false;
        pages.forEach(SseEmitter::complete);
        pages.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
