package dev.relay.access.accounting.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.access.accounting.AccountingIt;
import dev.relay.access.accounting.AccountingTestDataCleanup;
import dev.relay.access.accounting.RunAccessGrants;
import dev.relay.contracts.Topics;
import dev.relay.contracts.UsageRecorded;
import dev.relay.contracts.UsageRecorded.Purpose;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The usage ledger on real PostgreSQL and Kafka: usage events produced to {@code relay.usage} exactly as the edge sends
 * them, consumed by access-service in this JVM (its own consumer group, starting at the topic's current end), and the
 * operator API over HTTP.
 */
@RelayIntegrationTest
@ExtendWith(AccountingTestDataCleanup.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "relay.accounting.model-weights.sim-heavy=2.5")
class UsageLedgerIntegrationTests {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static AccountingIt.UsageProducer producer;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        AccountingIt.register(registry);
    }

    @BeforeAll
    static void producer() {
        producer = new AccountingIt.UsageProducer();
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    @Autowired
    RunAccessGrants grants;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    DataSource dataSource;

    @Autowired
    UsageLedger ledger;

    @Autowired
    UsageRetention retention;

    @LocalServerPort
    int port;

    AccountingIt.Api api() {
        return new AccountingIt.Api("http://127.0.0.1:" + port);
    }

    JdbcClient jdbc() {
        return JdbcClient.create(dataSource);
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A key of a new consumer, given as provisioning gives it. */
    record Granted(String keyId, String groupId, UUID consumerId) {}

    Granted grant(dev.relay.contracts.AccessOptions options) {
        String key = id("itk");
        String group = id("grp");
        String consumer = tx.execute(s -> grants.grant(UUID.randomUUID(), "it-host", group, key, options));
        return new Granted(key, group, UUID.fromString(consumer));
    }

    long rows(String keyId) {
        return jdbc().sql("SELECT count(*) FROM usage_request WHERE key_id = :k")
                .param("k", keyId)
                .query(Long.class)
                .single();
    }

    long balance(UUID consumer) {
        return jdbc().sql("SELECT balance_tokens FROM consumer WHERE id = :id")
                .param("id", consumer)
                .query(Long.class)
                .single();
    }

    long rolledUp(String keyId, String column) {
        return jdbc().sql("SELECT coalesce(sum(" + column + "), 0) FROM usage_hourly WHERE key_id = :k")
                .param("k", keyId)
                .query(Long.class)
                .single();
    }

    void awaitRow(String requestId) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> jdbc().sql("SELECT count(*) FROM usage_request WHERE request_id = :r")
                                .param("r", requestId)
                                .query(Long.class)
                                .single()
                        == 1);
    }

    @Test
    void duplicatedAndReplayedUsageEventsDebitOnce() {
        Granted k = grant(AccountingIt.selfService(id("dup"), 1_000_000L));
        List<UsageRecorded> events = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < 200; i++) {
            events.add(AccountingIt.usage(
                    id("req"), k.keyId(), k.groupId(), "sim-gpt-4o", 10, 5, Purpose.CLIENT, now.plusMillis(i)));
        }
        events.forEach(producer::send);
        events.subList(0, 100).forEach(producer::send); // redelivered at once
        producer.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(k.keyId()) == 200);

        // the edge's journal replays everything; a sentinel behind the replay shows it has been read
        events.forEach(producer::send);
        UsageRecorded sentinel =
                AccountingIt.usage(id("req"), k.keyId(), k.groupId(), "sim-gpt-4o", 10, 5, Purpose.CLIENT, now);
        producer.send(sentinel);
        producer.flush();
        awaitRow(sentinel.requestId());
        assertThat(ledger.apply(events).inserted()).isZero(); // and straight into the ledger once more

        assertThat(rows(k.keyId())).isEqualTo(201);
        assertThat(balance(k.consumerId())).isEqualTo(1_000_000L - 201 * 15);
        long debits = jdbc().sql("SELECT coalesce(sum(tokens), 0) FROM balance_entry WHERE consumer_id = :c"
                        + " AND kind = 'DEBIT'")
                .param("c", k.consumerId())
                .query(Long.class)
                .single();
        assertThat(debits).isEqualTo(-201 * 15);
        assertThat(rolledUp(k.keyId(), "requests")).isEqualTo(201);
        assertThat(rolledUp(k.keyId(), "debited_tokens")).isEqualTo(201 * 15);
    }

    @Test
    void confirmationAndVerificationRequestsAreStoredAndRolledUpButNeverDebited() {
        Granted k = grant(AccountingIt.selfService(id("purpose"), 1_000L));
        UsageRecorded confirm = AccountingIt.usage(
                id("req"), k.keyId(), k.groupId(), "sim-gpt-4o", 300, 300, Purpose.CONFIRMATION, Instant.now());
        UsageRecorded verify = AccountingIt.usage(
                id("req"), k.keyId(), k.groupId(), "sim-gpt-4o", 300, 300, Purpose.VERIFICATION, Instant.now());
        UsageRecorded client = AccountingIt.usage(
                id("req"), k.keyId(), k.groupId(), "sim-gpt-4o", 3, 2, Purpose.CLIENT, Instant.now());
        producer.send(confirm);
        producer.send(verify);
        producer.send(client);
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> rows(k.keyId()) == 3);
        assertThat(balance(k.consumerId())).isEqualTo(995);
        List<String> purposes = jdbc().sql("SELECT purpose || ':' || requests || ':' || debited_tokens"
                        + " FROM usage_hourly WHERE key_id = :k ORDER BY purpose")
                .param("k", k.keyId())
                .query(String.class)
                .list();
        assertThat(purposes).containsExactly("CLIENT:1:5", "CONFIRMATION:1:0", "VERIFICATION:1:0");
    }

    @Test
    void requestsOfKeysAccountingDoesNotGovernAreStoredWithoutADebit() {
        String key = id("itk-unknown");
        UsageRecorded e = AccountingIt.usage(id("req"), key, "g", "sim-gpt-4o", 10, 10, Purpose.CLIENT, Instant.now());
        producer.send(e);
        producer.flush();
        awaitRow(e.requestId());
        Map<String, Object> row = jdbc().sql(
                        "SELECT consumer_id, host_id, weighted_tokens, subscription_tokens + balance_tokens AS debited"
                                + " FROM usage_request WHERE request_id = :r")
                .param("r", e.requestId())
                .query()
                .singleRow();
        assertThat(row.get("consumer_id")).isNull();
        assertThat(row.get("host_id")).isNull();
        assertThat(row.get("weighted_tokens")).isEqualTo(20L);
        assertThat(row.get("debited")).isEqualTo(0L);
    }

    @Test
    void aModelWeightMultipliesWhatIsDebited() {
        Granted k = grant(AccountingIt.selfService(id("weight"), 1_000L));
        UsageRecorded e = AccountingIt.usage(
                id("req"), k.keyId(), k.groupId(), "sim-heavy", 10, 5, Purpose.CLIENT, Instant.now());
        producer.send(e);
        producer.flush();
        awaitRow(e.requestId());
        assertThat(balance(k.consumerId())).isEqualTo(1_000 - 38); // ceil(2.5 x 15)
    }

    @Test
    void aSubscriptionIsDrawnBeforeTheBalanceAndItsPeriodCountsTheTokens() {
        Granted k = grant(AccountingIt.subscription(id("sub"), 100, "day"));
        HttpResponse<String> topUp = api().post(
                        "/api/consumers/" + k.consumerId() + "/top-ups",
                        "{\"tokens\": 1000}",
                        Map.of("Idempotency-Key", id("topup")));
        assertThat(topUp.statusCode()).as(topUp.body()).isEqualTo(201);
        List<UsageRecorded> events = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // 8 x 15 = 120: 100 from the day's allowance, 20 from the balance
            events.add(AccountingIt.usage(
                    id("req"), k.keyId(), k.groupId(), "sim-gpt-4o", 10, 5, Purpose.CLIENT, Instant.now()));
        }
        events.forEach(producer::send);
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> rows(k.keyId()) == 8);
        assertThat(balance(k.consumerId())).isEqualTo(980);
        JsonNode consumer =
                JSON.readTree(api().get("/api/consumers/" + k.consumerId()).body());
        JsonNode current = consumer.path("subscriptions").get(0).path("current");
        assertThat(current.path("usedTokens").asLong()).isEqualTo(100);
        assertThat(current.path("remainingTokens").asLong()).isZero();
        assertThat(consumer.path("keys").get(0).path("status").asString()).isEqualTo("active");
        long fromSubscription = jdbc().sql("SELECT sum(subscription_tokens) FROM usage_request WHERE key_id = :k")
                .param("k", k.keyId())
                .query(Long.class)
                .single();
        assertThat(fromSubscription).isEqualTo(100);
    }

    @Test
    void anUnreadableRecordIsDeadLetteredAndTheRestOfItsBatchIsStored() throws Exception {
        Granted k = grant(AccountingIt.selfService(id("poison"), 1_000L));
        String marker = "not-a-usage-event-" + UUID.randomUUID();
        UsageRecorded before = AccountingIt.usage(
                id("req"), k.keyId(), k.groupId(), "sim-gpt-4o", 1, 1, Purpose.CLIENT, Instant.now());
        UsageRecorded after = AccountingIt.usage(
                id("req"), k.keyId(), k.groupId(), "sim-gpt-4o", 1, 1, Purpose.CLIENT, Instant.now());
        producer.send(before);
        producer.sendUnreadable(before.requestId(), marker); // same key: same partition, between the two
        producer.send(after);
        producer.flush();
        awaitRow(before.requestId());
        awaitRow(after.requestId());
        assertThat(balance(k.consumerId())).isEqualTo(996);
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLettered(marker));
    }

    private boolean deadLettered(String marker) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RelayInfrastructure.get().kafkaBootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts =
                    c.partitionsFor(Topics.deadLetter(Topics.USAGE), Duration.ofSeconds(5)).stream()
                            .map(i -> new TopicPartition(i.topic(), i.partition()))
                            .toList();
            if (parts.isEmpty()) {
                return false;
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (marker.equals(r.value())) {
                        return true;
                    }
                }
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void theRequestHistoryPagesNewestFirstWithFilters() {
        Granted k = grant(AccountingIt.selfService(id("history"), null));
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
        List<UsageRecorded> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            events.add(AccountingIt.usage(
                    "req-" + k.keyId() + "-" + (100 + i),
                    k.keyId(),
                    k.groupId(),
                    i % 5 == 0 ? "sim-other" : "sim-gpt-4o",
                    1,
                    1,
                    Purpose.CLIENT,
                    t0.plusSeconds(i)));
        }
        events.forEach(producer::send);
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> rows(k.keyId()) == 25);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> r = api().get("/api/usage/requests?key=" + k.keyId() + "&limit=10"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(r.body());
            page.path("data").forEach(n -> seen.add(n.path("requestId").asString()));
            cursor = page.path("hasMore").asBoolean() ? page.path("nextCursor").asString() : null;
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        List<String> expected =
                new ArrayList<>(events.stream().map(UsageRecorded::requestId).toList());
        java.util.Collections.reverse(expected);
        assertThat(seen).containsExactlyElementsOf(expected);

        JsonNode other = JSON.readTree(api().get("/api/usage/requests?key=" + k.keyId() + "&model=sim-other&from="
                        + t0.plusSeconds(5) + "&to=" + t0.plusSeconds(20) + "&status=2xx&consumer=" + k.consumerId())
                .body());
        assertThat(other.path("data"))
                .extracting(n -> n.path("requestId").asString())
                .containsExactly("req-" + k.keyId() + "-115", "req-" + k.keyId() + "-110", "req-" + k.keyId() + "-105");
        assertThat(JSON.readTree(api().get("/api/usage/requests?key=" + k.keyId() + "&status=429")
                                .body())
                        .path("data"))
                .isEmpty();
    }

    @Test
    void theSummaryAddsUpTheHourlyRollUps() {
        Granted k = grant(AccountingIt.selfService(id("summary"), null));
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);
        List<UsageRecorded> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // hours h, h+1, h+2 x two models
            events.add(AccountingIt.usage(
                    id("req"),
                    k.keyId(),
                    k.groupId(),
                    i % 2 == 0 ? "sim-a" : "sim-b",
                    10,
                    i,
                    Purpose.CLIENT,
                    hour.plus(i / 2, ChronoUnit.HOURS).plusSeconds(i)));
        }
        events.forEach(producer::send);
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> rows(k.keyId()) == 6);

        JsonNode byHour = JSON.readTree(api().get("/api/usage/summary?groupBy=model&bucket=hour&key=" + k.keyId()
                        + "&from=" + hour + "&to=" + hour.plus(3, ChronoUnit.HOURS))
                .body());
        assertThat(byHour.path("data")).hasSize(6);
        assertThat(byHour.path("data").get(0).path("group").asString()).isEqualTo("sim-a");
        assertThat(byHour.path("data").get(0).path("completionTokens").asLong()).isZero();

        JsonNode byDay = JSON.readTree(api().get("/api/usage/summary?groupBy=key&bucket=day&key=" + k.keyId() + "&from="
                        + hour.minus(2, ChronoUnit.DAYS) + "&to=" + hour.plus(1, ChronoUnit.DAYS))
                .body());
        long requests = 0;
        long completion = 0;
        Set<String> groups = new HashSet<>();
        for (JsonNode n : byDay.path("data")) {
            requests += n.path("requests").asLong();
            completion += n.path("completionTokens").asLong();
            groups.add(n.path("group").asString());
        }
        assertThat(requests).isEqualTo(6);
        assertThat(completion).isEqualTo(15);
        assertThat(groups).containsExactly(k.keyId());

        HttpResponse<String> bad = api().get("/api/usage/summary?groupBy=colour");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("code").asString()).isEqualTo("invalid_parameter");
    }

    @Test
    void retentionDeletesOldRequestRowsAndKeepsTheRollUps() {
        Granted k = grant(AccountingIt.selfService(id("retention"), null));
        UsageRecorded old = AccountingIt.usage(
                id("req"),
                k.keyId(),
                k.groupId(),
                "sim-gpt-4o",
                4,
                4,
                Purpose.CLIENT,
                Instant.now().minus(Duration.ofDays(40)));
        UsageRecorded recent = AccountingIt.usage(
                id("req"), k.keyId(), k.groupId(), "sim-gpt-4o", 4, 4, Purpose.CLIENT, Instant.now());
        producer.send(old);
        producer.send(recent);
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> rows(k.keyId()) == 2);
        assertThat(retention.purge()).isGreaterThanOrEqualTo(1);
        assertThat(rows(k.keyId())).isEqualTo(1);
        assertThat(rolledUp(k.keyId(), "requests")).isEqualTo(2);
    }

    @Test
    void aTopUpNeedsAnIdempotencyKeyAndAppliesOncePerKey() {
        HttpResponse<String> created = api().post(
                        "/api/consumers",
                        "{\"name\": \"" + id("team") + "\", \"kind\": \"team\", \"balanceTokens\": 10}",
                        Map.of());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String consumer = JSON.readTree(created.body()).path("id").asString();
        String path = "/api/consumers/" + consumer + "/top-ups";

        HttpResponse<String> noKey = api().post(path, "{\"tokens\": 5}", Map.of());
        assertThat(noKey.statusCode()).isEqualTo(400);
        assertThat(noKey.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JSON.readTree(noKey.body()).path("code").asString()).isEqualTo("idempotency_key_required");

        String key = id("topup");
        HttpResponse<String> first = api().post(path, "{\"tokens\": 5}", Map.of("Idempotency-Key", key));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(JSON.readTree(first.body()).path("balanceTokens").asLong()).isEqualTo(15);
        HttpResponse<String> again = api().post(path, "{\"tokens\": 5}", Map.of("Idempotency-Key", key));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(JSON.readTree(again.body()).path("balanceTokens").asLong()).isEqualTo(15);
        HttpResponse<String> reused = api().post(path, "{\"tokens\": 50}", Map.of("Idempotency-Key", key));
        assertThat(reused.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(reused.body()).path("code").asString()).isEqualTo("idempotency_key_reused");

        JsonNode entries = JSON.readTree(
                api().get("/api/consumers/" + consumer + "/balance-entries").body());
        assertThat(entries.path("data"))
                .extracting(
                        n -> n.path("kind").asString() + ":" + n.path("tokens").asLong())
                .containsExactly("TOP_UP:5", "OPENING:10");

        HttpResponse<String> duplicate = api().post(
                        "/api/consumers",
                        JSON.readTree(created.body()).path("name").toString().transform(n -> "{\"name\": " + n + "}"),
                        Map.of());
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(duplicate.body()).path("code").asString()).isEqualTo("consumer_exists");
        HttpResponse<String> missing = api().get("/api/consumers/" + UUID.randomUUID());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("code").asString()).isEqualTo("consumer_not_found");
    }

    @Test
    void theApiRefusesCallsWithoutTheOperatorToken() {
        HttpResponse<String> none =
                AccountingIt.http("http://127.0.0.1:" + port + "/api/usage/requests", "GET", null, Map.of());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(none.body()).path("code").asString()).isEqualTo("unauthorized");
        HttpResponse<String> wrong = AccountingIt.http(
                "http://127.0.0.1:" + port + "/api/consumers", "GET", null, Map.of("Authorization", "Bearer nope"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(api().get("/api/consumers?limit=1").statusCode()).isEqualTo(200);
        assertThat(AccountingIt.http("http://127.0.0.1:" + port + "/actuator/health", "GET", null, Map.of())
                        .statusCode())
                .isEqualTo(200);
    }
}
