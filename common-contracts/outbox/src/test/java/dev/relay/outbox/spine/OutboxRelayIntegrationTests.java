package dev.relay.outbox.spine;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.EventType;
import dev.relay.contracts.Topics;
import dev.relay.outbox.InboundEvents;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The spine, end to end against real PostgreSQL, Kafka and Kafka Connect + Debezium: a state change and its outbox
 * row commit together; Debezium's Outbox Event Router publishes to the routed topic with key = aggregate id and the
 * id / eventType headers, in order per key; a redelivered event is applied once; poison rows and poison events do
 * not block the rest; a Connect restart loses and duplicates no effect.
 */
@RelayIntegrationTest
@SpringBootTest(
        classes = SpineApplication.class,
        properties = {
            "spring.flyway.locations=classpath:db/relay-outbox,classpath:db/spine-it",
            "spring.kafka.consumer.auto-offset-reset=earliest",
            "spring.kafka.consumer.key-deserializer=org.apache.kafka.common.serialization.StringDeserializer",
            "spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.StringDeserializer",
            "spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.StringSerializer",
            "spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.StringSerializer"
        })
class OutboxRelayIntegrationTests {

    private static final Duration DELIVERY = ofSeconds(60);
    private static String connectorName;

    @Autowired
    SpineItemService service;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RelayInfrastructure.get().registerSpringProperties(registry, SpineApplication.SCHEMA);
    }

    @BeforeAll
    static void connector(RelayInfrastructure infra) {
        infra.prepareOutboxSchema(SpineApplication.SCHEMA);
        connectorName = infra.registerOutboxConnector(SpineApplication.SCHEMA);
    }

    @Test
    void publishesCommittedStateChangesToTheRoutedTopicKeyedByAggregateInOrder() {
        UUID run = UUID.randomUUID();
        UUID item = UUID.randomUUID();
        List<EventEnvelope> written = new ArrayList<>();
        for (int attempt = 1; attempt <= 20; attempt++) {
            written.add(service.confirm(run, item, attempt, false));
        }

        List<ConsumerRecord<String, String>> records =
                readTopicUntil(SpineApplication.ITEM_TOPIC, r -> item.toString().equals(r.key()), 20);

        assertThat(records).extracting(ConsumerRecord::key).containsOnly(item.toString());
        assertThat(records)
                .extracting(r -> InboundEvents.header(r, InboundEvents.HEADER_ID))
                .containsExactlyElementsOf(
                        written.stream().map(e -> e.id().toString()).toList());
        assertThat(records)
                .extracting(r -> InboundEvents.header(r, InboundEvents.HEADER_EVENT_TYPE))
                .containsOnly(EventType.ITEM_CONFIRMED.wireName());
        assertThat(records)
                .extracting(r -> InboundEvents.header(r, InboundEvents.HEADER_SCHEMA_VERSION))
                .containsOnly(String.valueOf(EventType.ITEM_CONFIRMED.schemaVersion()));
        assertThat(records.stream().map(InboundEvents::read).toList()).containsExactlyElementsOf(written);
        assertThat(jdbc.sql("SELECT state FROM spine_item WHERE id = ?")
                        .param(item)
                        .query(String.class)
                        .single())
                .isEqualTo("READY");
        await().atMost(DELIVERY).until(() -> effects(item).size() == 20);
        assertThat(effects(item)).extracting(Effect::attempt).isSorted().hasSize(20);
    }

    @Test
    void rolledBackStateChangePublishesNothing() {
        UUID item = UUID.randomUUID();
        assertThatThrownBy(() -> service.confirm(UUID.randomUUID(), item, 1, true))
                .isInstanceOf(IllegalStateException.class);
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE aggregateid = ?")
                        .param(item.toString())
                        .query(Long.class)
                        .single())
                .isZero();

        // A later committed change on the same key arrives, and nothing of the rolled-back one ever did.
        EventEnvelope committed = service.confirm(UUID.randomUUID(), item, 2, false);
        List<ConsumerRecord<String, String>> records =
                readTopicUntil(SpineApplication.ITEM_TOPIC, r -> item.toString().equals(r.key()), 1);
        assertThat(records)
                .singleElement()
                .satisfies(r -> assertThat(InboundEvents.read(r)).isEqualTo(committed));
        assertThat(jdbc.sql("SELECT attempt FROM spine_item WHERE id = ?")
                        .param(item)
                        .query(Integer.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void appliesARedeliveredEventOnce() {
        UUID item = UUID.randomUUID();
        EventEnvelope first = service.confirm(UUID.randomUUID(), item, 1, false);
        await().atMost(DELIVERY).until(() -> effects(item).size() == 1);

        // The broker hands the same event over again (e.g. after a consumer crash before its offset commit).
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(eventRecord(SpineApplication.ITEM_TOPIC, first)).get();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        // A sentinel behind it on the same key (same partition, processed after it) tells us it was consumed.
        EventEnvelope sentinel = service.confirm(UUID.randomUUID(), item, 2, false);

        await().atMost(DELIVERY).until(() -> effects(item).size() == 2);
        assertThat(effects(item)).extracting(Effect::eventId).containsExactly(first.id(), sentinel.id());
        assertThat(inboxCount(first.id())).isEqualTo(1);
    }

    @Test
    void deadLettersPoisonEventsWithoutBlockingThePartition() {
        UUID item = UUID.randomUUID();
        String poisonId = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> producer = producer()) {
            // no headers at all
            producer.send(new ProducerRecord<>(SpineApplication.ITEM_TOPIC, item.toString(), "{\"hello\":1}"))
                    .get();
            // headers, but a payload that is not an event
            ProducerRecord<String, String> garbage =
                    new ProducerRecord<>(SpineApplication.ITEM_TOPIC, item.toString(), "not json at all");
            garbage.headers().add(InboundEvents.HEADER_ID, poisonId.getBytes(StandardCharsets.UTF_8));
            garbage.headers().add(InboundEvents.HEADER_EVENT_TYPE, "item.confirmed".getBytes(StandardCharsets.UTF_8));
            producer.send(garbage).get();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        EventEnvelope good = service.confirm(UUID.randomUUID(), item, 1, false);

        await().atMost(DELIVERY).until(() -> effects(item).size() == 1);
        assertThat(effects(item)).extracting(Effect::eventId).containsExactly(good.id());
        List<ConsumerRecord<String, String>> dead = readTopicUntil(
                Topics.deadLetter(SpineApplication.ITEM_TOPIC),
                r -> item.toString().equals(r.key()),
                2);
        assertThat(dead).extracting(ConsumerRecord::value).containsExactly("{\"hello\":1}", "not json at all");
        assertThat(InboundEvents.header(dead.get(1), "kafka_dlt-exception-message"))
                .contains("not JSON");
    }

    @Test
    void poisonOutboxRowsDoNotStopTheRelayNorTheConsumer() {
        UUID item = UUID.randomUUID();
        // A row Kafka could not take (illegal topic name) would stop the connector task for good: it never
        // reaches the WAL.
        assertThatThrownBy(() -> jdbc.sql("INSERT INTO outbox (id, aggregatetype, aggregateid, type, schema_version,"
                                + " payload) VALUES (:id, 'no such topic!', :key, 'item.confirmed', 1, '{}'::jsonb)")
                        .param("id", UUID.randomUUID())
                        .param("key", item.toString())
                        .update())
                .hasMessageContaining("outbox_aggregatetype_check");
        // A row no consumer can read (valid JSON, not an event) is relayed and dead-lettered by the consumer.
        jdbc.sql("INSERT INTO outbox (id, aggregatetype, aggregateid, type, schema_version, payload)"
                        + " VALUES (:id, 'import-item', :key, 'item.confirmed', 1, '{\"not\":\"an event\"}'::jsonb)")
                .param("id", UUID.randomUUID())
                .param("key", item.toString())
                .update();
        EventEnvelope good = service.confirm(UUID.randomUUID(), item, 1, false);

        await().atMost(DELIVERY).until(() -> effects(item).size() == 1);
        assertThat(effects(item)).extracting(Effect::eventId).containsExactly(good.id());
        RelayInfrastructure.get().awaitConnectorRunning(connectorName, ofSeconds(5));
    }

    @Test
    void survivesAKafkaConnectRestartWithoutLosingOrDuplicatingAnEffect(RelayInfrastructure infra) {
        UUID run = UUID.randomUUID();
        UUID item = UUID.randomUUID();
        int total = 60;
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int attempt = 1; attempt <= total; attempt++) {
                service.confirm(run, item, attempt, false);
                written.incrementAndGet();
                pace(100);
            }
        });
        await().atMost(DELIVERY).until(() -> written.get() >= 10);

        infra.restartConnect();
        infra.awaitConnectorRunning(connectorName, ofSeconds(120));
        writer.join();

        await().atMost(Duration.ofSeconds(120)).until(() -> effects(item).size() >= total);
        List<Effect> effects = effects(item);
        assertThat(effects).hasSize(total);
        assertThat(effects).extracting(Effect::attempt).doesNotHaveDuplicates().isSorted();
        Map<UUID, Integer> perEvent = new HashMap<>();
        effects.forEach(e -> perEvent.merge(e.eventId(), 1, Integer::sum));
        assertThat(perEvent.values()).containsOnly(1);
    }

    record Effect(UUID eventId, String eventType, int attempt) {}

    private List<Effect> effects(UUID item) {
        return jdbc.sql("SELECT event_id, event_type, attempt FROM spine_effect WHERE item_id = ? ORDER BY seq")
                .param(item)
                .query((rs, n) -> new Effect(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3)))
                .list();
    }

    private long inboxCount(UUID eventId) {
        return jdbc.sql("SELECT count(*) FROM inbox WHERE event_id = ?")
                .param(eventId)
                .query(Long.class)
                .single();
    }

    private static ProducerRecord<String, String> eventRecord(String topic, EventEnvelope e) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, e.aggregateId(), EventCodec.toJson(e));
        r.headers().add(InboundEvents.HEADER_ID, e.id().toString().getBytes(StandardCharsets.UTF_8));
        r.headers().add(InboundEvents.HEADER_EVENT_TYPE, e.type().wireName().getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RelayInfrastructure.get().kafkaBootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(p);
    }

    /** Reads a topic from the beginning with a throw-away group until {@code n} matching records were seen. */
    private static List<ConsumerRecord<String, String>> readTopicUntil(
            String topic, java.util.function.Predicate<ConsumerRecord<String, String>> match, int n) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RelayInfrastructure.get().kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + DELIVERY.toNanos();
            while (seen.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        seen.add(r);
                    }
                }
            }
        }
        assertThat(seen).as("records on %s", topic).hasSize(n);
        return seen;
    }

    private static void pace(long millis) {
        try {
            Thread.sleep(millis); // paces the background writer across the restart; not a wait on a condition
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
