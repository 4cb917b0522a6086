package dev.relay.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.Topics;
import dev.relay.contracts.UsageRecorded;
import dev.relay.outbox.InboundEvents;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.unit.DataSize;

/**
 * The usage sink against the real broker. An outage is a sink whose bootstrap is a closed local port (the shared broker
 * is never stopped, and a TCP proxy in front of it would not cut anything: the broker advertises 127.0.0.1:9092, so
 * the client connects there directly after the first metadata response). "Kafka is back" is a new sink instance on the
 * same journal directory pointed at the real broker, which is also the restart case.
 */
@RelayIntegrationTest
class KafkaUsageSinkIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(KafkaUsageSinkIntegrationTests.class);
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @TempDir
    Path journalDir;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<KafkaUsageSink> sinks = new ArrayList<>();

    @BeforeAll
    static void usageTopicExists() throws Exception {
        try (Admin admin = RelayInfrastructure.get().kafkaAdmin()) {
            admin.createTopics(List.of(new NewTopic(Topics.USAGE, 3, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException ex) {
            if (!(ex.getCause() instanceof TopicExistsException)) {
                throw ex;
            }
        }
    }

    @AfterEach
    void closeSinks() {
        sinks.forEach(KafkaUsageSink::close);
    }

    @Test
    void sendsEachEventToTheUsageTopicKeyedByRequestIdWithTheEventHeaders() throws Exception {
        List<String> requestIds = requestIds(20);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (UsageTopicReader topic = UsageTopicReader.fromNow(kafka(), Topics.USAGE)) {
            KafkaUsageSink sink = start(kafka(), settings(1000), metrics);
            await().atMost(Duration.ofSeconds(30)).until(sink::kafkaAvailable);

            requestIds.forEach(id -> sink.record(UsageEvents.completedStream(id)));

            List<ConsumerRecord<String, String>> records = topic.awaitAll(Set.copyOf(requestIds), DELIVERY);
            assertThat(records).hasSize(requestIds.size());
            for (ConsumerRecord<String, String> r : records) {
                EventEnvelope envelope =
                        InboundEvents.read(r); // demands id and eventType, checks them against the value
                assertThat(envelope.id()).isEqualTo(UsageRecords.eventId(r.key()));
                assertThat(InboundEvents.header(r, "eventType")).isEqualTo("usage.recorded");
                assertThat(InboundEvents.header(r, "schemaVersion"))
                        .isEqualTo(String.valueOf(dev.relay.contracts.EventType.USAGE_RECORDED.schemaVersion()));
                assertThat(envelope.aggregateId()).isEqualTo(r.key());
                assertThat(envelope.data()).isEqualTo(UsageEvents.completedStream(r.key()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> events(metrics, "sent") == requestIds.size());
            assertThat(events(metrics, "journaled")).isZero();
            assertThat(events(metrics, "dropped")).isZero();
        }
    }

    @Test
    void journalsEveryEventWhileKafkaIsUnreachableAndDeliversEachOnceItIsBack() throws Exception {
        List<String> requestIds = requestIds(1000);
        SimpleMeterRegistry outage = new SimpleMeterRegistry();
        KafkaUsageSink unreachable = start(deadBootstrap(), settings(1000), outage);

        requestIds.forEach(id -> unreachable.record(UsageEvents.completedStream(id)));

        await().atMost(Duration.ofSeconds(10)).until(() -> unreachable.journal().pendingEvents() == 1000);
        assertThat(unreachable.kafkaAvailable()).isFalse();
        assertThat(events(outage, "journaled")).isEqualTo(1000);
        assertThat(events(outage, "sent") + events(outage, "dropped")).isZero();
        stop(unreachable);
        assertThat(segmentFiles()).isNotEmpty();

        SimpleMeterRegistry back = new SimpleMeterRegistry();
        try (UsageTopicReader topic = UsageTopicReader.fromNow(kafka(), Topics.USAGE)) {
            KafkaUsageSink reachable = start(kafka(), settings(1000), back);

            List<ConsumerRecord<String, String>> records = topic.awaitAll(Set.copyOf(requestIds), DELIVERY);

            assertDeliveredExactlyOnce(records, requestIds);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> reachable.journal().pendingEvents() == 0);
            assertThat(events(back, "replayed")).isEqualTo(1000);
            await().atMost(Duration.ofSeconds(10)).until(() -> segmentFiles().isEmpty());
            assertThat(reachable.kafkaAvailable()).isTrue();
        }
    }

    /**
     * The real switch on a live broker: a producer buffer of four batches fills under a burst, the send that does not
     * fit is journaled and new events follow it there, the replayer drains the journal and direct sends resume. An
     * event refused for a full buffer never entered the producer, so nothing arrives twice.
     */
    @Test
    void fallsBackToTheJournalWhenTheProducerBufferIsFullAndReturnsWithoutLosingAnEvent() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        KafkaUsageSink sink =
                start(kafka(), settings(1000, DataSize.ofKilobytes(16), DataSize.ofKilobytes(64)), metrics);
        await().atMost(Duration.ofSeconds(30)).until(sink::kafkaAvailable);
        List<String> requestIds = new ArrayList<>();
        try (UsageTopicReader topic = UsageTopicReader.fromNow(kafka(), Topics.USAGE)) {
            while (sink.kafkaAvailable() && requestIds.size() < 200_000) {
                record(sink, requestIds);
            }
            assertThat(sink.kafkaAvailable())
                    .as("fell back to the journal under the burst")
                    .isFalse();
            for (int i = 0; i < 200; i++) {
                record(sink, requestIds);
            }
            await().atMost(DELIVERY).until(sink::kafkaAvailable);
            for (int i = 0; i < 200; i++) {
                record(sink, requestIds);
            }

            List<ConsumerRecord<String, String>> records = topic.awaitAll(Set.copyOf(requestIds), DELIVERY);

            assertDeliveredExactlyOnce(records, requestIds);
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.journal().pendingEvents() == 0);
            assertThat(events(metrics, "journaled")).isPositive();
            assertThat(events(metrics, "replayed")).isEqualTo(events(metrics, "journaled"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events(metrics, "sent") + events(metrics, "replayed") == requestIds.size());
            assertThat(events(metrics, "dropped")).isZero();
            log.info(
                    "buffer-full fallback: {} events, {} sent directly, {} journaled and replayed",
                    requestIds.size(),
                    (long) events(metrics, "sent"),
                    (long) events(metrics, "replayed"));
        }
    }

    private void record(KafkaUsageSink sink, List<String> requestIds) {
        String id = "req_it_" + run + "_" + requestIds.size();
        requestIds.add(id);
        sink.record(UsageEvents.completedStream(id));
    }

    /**
     * A replay stopped part-way (the instance shuts down) is finished by the next instance. Duplicates are possible but
     * bounded: at most the one round that was in flight when the first replayer stopped, if its acknowledgement did
     * not reach the journal; consumers de-duplicate on the event id.
     */
    @Test
    void finishesAReplayThatAnEarlierInstanceStoppedHalfway() throws Exception {
        List<String> requestIds = requestIds(3000);
        KafkaUsageSink unreachable = start(deadBootstrap(), settings(1000), new SimpleMeterRegistry());
        requestIds.forEach(id -> unreachable.record(UsageEvents.completedStream(id)));
        await().atMost(Duration.ofSeconds(10)).until(() -> unreachable.journal().pendingEvents() == 3000);
        stop(unreachable);

        try (UsageTopicReader topic = UsageTopicReader.fromNow(kafka(), Topics.USAGE)) {
            SimpleMeterRegistry first = new SimpleMeterRegistry();
            KafkaUsageSink halfway = start(kafka(), settings(5), first); // 5 events a round: slow enough to stop
            await().atMost(DELIVERY).until(() -> events(first, "replayed") >= 100);
            stop(halfway);
            long left = halfway.journal().pendingEvents();
            assertThat(left).as("events the first instance left for the next").isPositive();

            SimpleMeterRegistry second = new SimpleMeterRegistry();
            KafkaUsageSink next = start(kafka(), settings(1000), second);
            List<ConsumerRecord<String, String>> records = topic.awaitAll(Set.copyOf(requestIds), DELIVERY);

            Map<String, Long> copies = copiesByKey(records);
            assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(requestIds);
            assertThat(records.size() - requestIds.size()).as("duplicates").isLessThanOrEqualTo(5);
            await().atMost(Duration.ofSeconds(10)).until(() -> next.journal().pendingEvents() == 0);
            assertThat(events(second, "replayed")).isEqualTo(left);
            log.info(
                    "restart mid-replay: first instance replayed {}, second {}, duplicates {}",
                    (long) events(first, "replayed"),
                    left,
                    records.size() - requestIds.size());
        }
    }

    @Test
    void deliversTwentyThousandEventsRecordedDuringAnOutage() throws Exception {
        int n = 20_000;
        List<String> requestIds = requestIds(n);
        List<UsageRecorded> events =
                requestIds.stream().map(UsageEvents::completedStream).toList();
        SimpleMeterRegistry outage = new SimpleMeterRegistry();
        KafkaUsageSink unreachable = start(deadBootstrap(), settings(1000), outage);

        long recordNanos = recordFromFourThreads(unreachable, events);

        await().atMost(Duration.ofSeconds(30)).until(() -> unreachable.journal().pendingEvents() == n);
        assertThat(events(outage, "dropped")).isZero();
        long journalBytes = unreachable.journal().bytesOnDisk();
        stop(unreachable);

        try (UsageTopicReader topic = UsageTopicReader.fromNow(kafka(), Topics.USAGE)) {
            long replayStart = System.nanoTime();
            KafkaUsageSink reachable = start(kafka(), settings(1000), new SimpleMeterRegistry());
            List<ConsumerRecord<String, String>> records = topic.awaitAll(Set.copyOf(requestIds), DELIVERY);
            long replayNanos = System.nanoTime() - replayStart;

            assertDeliveredExactlyOnce(records, requestIds);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> reachable.journal().pendingEvents() == 0);
            log.info(
                    "outage load check: {} events recorded in {} ms ({} us/event on 4 threads), journal {} bytes"
                            + " ({} bytes/event), all replayed and read back in {} ms",
                    n,
                    TimeUnit.NANOSECONDS.toMillis(recordNanos),
                    TimeUnit.NANOSECONDS.toMicros(recordNanos * 4) / (double) n,
                    journalBytes,
                    journalBytes / n,
                    TimeUnit.NANOSECONDS.toMillis(replayNanos));
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static long recordFromFourThreads(KafkaUsageSink sink, List<UsageRecorded> events) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            int quarter = events.size() / 4;
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                List<UsageRecorded> mine = events.subList(t * quarter, t == 3 ? events.size() : (t + 1) * quarter);
                done.add(pool.submit(() -> mine.forEach(sink::record)));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            return System.nanoTime() - start;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertDeliveredExactlyOnce(List<ConsumerRecord<String, String>> records, List<String> ids) {
        Map<String, Long> copies = copiesByKey(records);
        assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(copies.values()).allMatch(c -> c == 1);
        Set<String> eventIds = records.stream()
                .map(r -> InboundEvents.header(r, "id"))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        assertThat(eventIds).hasSize(ids.size());
        for (ConsumerRecord<String, String> r : records) {
            assertThat(InboundEvents.read(r).id()).isEqualTo(UsageRecords.eventId(r.key()));
        }
    }

    private static Map<String, Long> copiesByKey(List<ConsumerRecord<String, String>> records) {
        return records.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
    }

    private KafkaUsageSink start(String bootstrap, MeteringProperties p, SimpleMeterRegistry registry)
            throws IOException {
        KafkaUsageSink sink = KafkaUsageSink.start(
                p,
                KafkaUsageSink.producerConfig(p, bootstrap, Map.of()),
                p.journalSettings(journalDir, false),
                registry);
        sinks.add(sink);
        return sink;
    }

    private void stop(KafkaUsageSink sink) {
        sink.close();
        sinks.remove(sink);
    }

    /** Defaults, but a short close timeout and the given replay round size. */
    private static MeteringProperties settings(int replayBatchSize) {
        MeteringProperties d = MeteringProperties.defaults();
        return settings(replayBatchSize, d.batchSize(), d.bufferMemory());
    }

    private static MeteringProperties settings(int replayBatchSize, DataSize batchSize, DataSize bufferMemory) {
        MeteringProperties d = MeteringProperties.defaults();
        return new MeteringProperties(
                true,
                d.topic(),
                null,
                null,
                d.journalMaxSize(),
                DataSize.ofMegabytes(4), // several segments in the larger tests
                d.queueCapacity(),
                d.flushInterval(),
                d.replayInterval(),
                replayBatchSize,
                d.stallTimeout(),
                d.linger(),
                batchSize,
                d.compression(),
                bufferMemory,
                d.maxBlock(),
                d.requestTimeout(),
                d.deliveryTimeout(),
                Duration.ofSeconds(2));
    }

    private List<String> requestIds(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> "req_it_" + run + "_" + i)
                .collect(Collectors.toCollection(ArrayList::new));
    }

    private List<Path> segmentFiles() throws IOException {
        if (!Files.isDirectory(journalDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(journalDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsonl"))
                    .toList();
        }
    }

    private static double events(SimpleMeterRegistry registry, String result) {
        return registry.get(UsageMetrics.EVENTS).tag("result", result).counter().count();
    }

    private static String kafka() {
        return RelayInfrastructure.get().kafkaBootstrap();
    }

    /** A local port nothing listens on: connections are refused, so the producer never gets metadata. */
    private static String deadBootstrap() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }
}
