package dev.relay.access.accounting;

import dev.relay.contracts.AccessMode;
import dev.relay.contracts.AccessOptions;
import dev.relay.contracts.EventCodec;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.EventType;
import dev.relay.contracts.SecretBox;
import dev.relay.contracts.Topics;
import dev.relay.contracts.UsageRecorded;
import dev.relay.outbox.InboundEvents;
import dev.relay.testsupport.RelayInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What the accounting integration tests share: settings, usage events on the real topic, the operator API. */
public final class AccountingIt {

    public static final String MASTER_KEY = "cmVsYXktZGV2LW1hc3Rlci1rZXktTk9ULVNFQ1JFVCE=";
    public static final String ADMIN_TOKEN = "relay-test-admin-token-not-secret";
    public static final String OPERATOR_TOKEN = "relay-test-operator-token-not-secret";
    public static final SecretBox BOX = SecretBox.fromBase64("k1", MASTER_KEY);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private AccountingIt() {}

    /**
     * The real infrastructure, the test secrets, and consumer groups of this test's own: the ledger's starts at the
     * current end of {@code relay.usage} (so it reads only what the test sends, and another test's ledger cannot take
     * its partitions), the stage listeners' at the latest offset.
     */
    public static void register(DynamicPropertyRegistry registry) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        registry.add("spring.datasource.url", infra::jdbcUrl);
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrap);
        registry.add("spring.kafka.consumer.auto-offset-reset", () -> "latest");
        registry.add("relay.access.master-key", () -> MASTER_KEY);
        registry.add("relay.access.consumer-group", () -> "access-it-" + UUID.randomUUID());
        registry.add("relay.accounting.operator-token", () -> OPERATOR_TOKEN);
        String group = freshUsageGroup();
        registry.add("relay.accounting.usage-consumer-group", () -> group);
        registry.add("relay.outbox.timer-poll-interval", () -> "100ms");
    }

    /** A consumer group whose committed offsets are the current end of every partition of {@code relay.usage}. */
    public static String freshUsageGroup() {
        String group = "access-usage-it-" + UUID.randomUUID();
        try (Admin admin = RelayInfrastructure.get().kafkaAdmin()) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(Topics.USAGE)) {
                try {
                    admin.createTopics(List.of(new NewTopic(Topics.USAGE, 3, (short) 1)))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
            int partitions = admin.describeTopics(List.of(Topics.USAGE))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(Topics.USAGE)
                    .partitions()
                    .size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(Topics.USAGE, p), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> commit.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, commit).all().get(30, TimeUnit.SECONDS);
            return group;
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare a usage consumer group", e);
        }
    }

    /** Self-service access with a balance (null = unlimited) for a consumer of that name. */
    public static AccessOptions selfService(String consumer, Long balance) {
        return new AccessOptions(AccessMode.SELF_SERVICE, consumer, balance, null, null, null, BOX.seal("rk-unused"));
    }

    public static AccessOptions subscription(String consumer, long allowance, String period) {
        return new AccessOptions(
                AccessMode.SUBSCRIPTION, consumer, null, allowance, period, null, BOX.seal("rk-unused"));
    }

    /** A usage event as the edge sends it. */
    public static UsageRecorded usage(
            String requestId,
            String keyId,
            String groupId,
            String model,
            long prompt,
            long completion,
            UsageRecorded.Purpose purpose,
            Instant at) {
        return new UsageRecorded(
                requestId,
                "gw-it",
                purpose,
                keyId,
                groupId,
                "openai.chat",
                model,
                model + "-upstream",
                "ch-it",
                List.of("ch-it"),
                false,
                new UsageRecorded.TokenUsage(prompt, completion, 0, 0, false),
                200,
                UsageRecorded.Outcome.OK,
                120,
                40L,
                1,
                at);
    }

    /** A Kafka producer writing usage events exactly as the edge's sink does (key, value, headers, timestamp). */
    public static final class UsageProducer implements AutoCloseable {
        private final KafkaProducer<String, String> producer;

        public UsageProducer() {
            Properties p = new Properties();
            p.put(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    RelayInfrastructure.get().kafkaBootstrap());
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            this.producer = new KafkaProducer<>(p);
        }

        public void send(UsageRecorded u) {
            EventEnvelope e = EventEnvelope.wrap(
                    UUID.nameUUIDFromBytes(("usage:" + u.requestId()).getBytes(StandardCharsets.UTF_8)), u, null);
            RecordHeaders headers = new RecordHeaders();
            headers.add(InboundEvents.HEADER_ID, e.id().toString().getBytes(StandardCharsets.UTF_8));
            headers.add(
                    InboundEvents.HEADER_EVENT_TYPE,
                    EventType.USAGE_RECORDED.wireName().getBytes(StandardCharsets.UTF_8));
            headers.add(InboundEvents.HEADER_SCHEMA_VERSION, "2".getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(
                    Topics.USAGE, null, u.occurredAt().toEpochMilli(), u.requestId(), EventCodec.toJson(e), headers));
        }

        /** A record no reader can take: no headers, not JSON. */
        public void sendUnreadable(String key, String value) {
            producer.send(new ProducerRecord<>(Topics.USAGE, key, value));
        }

        public void flush() {
            producer.flush();
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** The accounting API on a port, with the operator token. */
    public record Api(String baseUrl) {
        public HttpResponse<String> get(String path) {
            return send("GET", path, null, Map.of());
        }

        public HttpResponse<String> post(String path, String body, Map<String, String> headers) {
            return send("POST", path, body, headers);
        }

        public HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
            Map<String, String> h = new HashMap<>(headers);
            h.putIfAbsent("Authorization", "Bearer " + OPERATOR_TOKEN);
            return http(baseUrl + path, method, body, h);
        }
    }

    public static HttpResponse<String> http(String url, String method, String body, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            headers.forEach(b::header);
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + url + " failed", e);
        }
    }

    /** A clock a test moves forward: the system clock plus an offset. */
    public static final class MutableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        public void advance(Duration d) {
            offset = offset.plus(d);
        }

        public void reset() {
            offset = Duration.ZERO;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
