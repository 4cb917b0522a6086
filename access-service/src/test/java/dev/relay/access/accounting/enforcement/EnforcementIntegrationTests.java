package dev.relay.access.accounting.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.access.accounting.AccountingIt;
import dev.relay.access.accounting.AccountingTestDataCleanup;
import dev.relay.access.accounting.Period;
import dev.relay.access.accounting.RunAccessGrants;
import dev.relay.access.hosts.Hosts;
import dev.relay.contracts.AccessOptions;
import dev.relay.contracts.HostRegistered;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import dev.relay.testsupport.ServiceProcess;
import dev.relay.testsupport.UpstreamSimulatorProcess;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enforcement end to end: two edge replicas (gateway-service processes on one database and Kafka, their safety-net
 * poll set to 10 minutes so only the config events can carry a change), the upstream simulator, and access-service in
 * this JVM with a clock the test moves. Client requests through the edge produce the real usage events; access-service
 * consumes them, debits, and marks the key exhausted on the host; both replicas must refuse the key with 429
 * {@code key_exhausted}, and a top-up, a new period or a new subscription must restore it on both.
 */
@RelayIntegrationTest
@ExtendWith(AccountingTestDataCleanup.class)
@Import(EnforcementIntegrationTests.TestClock.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EnforcementIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(EnforcementIntegrationTests.class);
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final AccountingIt.MutableClock CLOCK = new AccountingIt.MutableClock();
    static final String HOST = "it-edge-" + UUID.randomUUID().toString().substring(0, 8);
    static final String MODEL = "sim-gpt-4o";
    /**
     * The bound these tests hold a change to: the replicas poll every 10 minutes here, so anything under it came by
     * the pushed path. The one-second figure is a latency target; on a loaded CI box it is measured, not
     * asserted (logged here, and shown by infra/bench/accounting/run.sh).
     */
    static final Duration PUSHED = Duration.ofSeconds(5);

    static UpstreamSimulatorProcess sim;
    static ServiceProcess edgeA;
    static ServiceProcess edgeB;
    static String groupId;

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        AccountingIt.MutableClock testClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        AccountingIt.register(registry);
    }

    @BeforeAll
    static void edges() {
        RelayInfrastructure infra = RelayInfrastructure.get();
        sim = UpstreamSimulatorProcess.start();
        Map<String, String> env = new HashMap<>();
        env.put("RELAY_MASTER_KEY", AccountingIt.MASTER_KEY);
        env.put("RELAY_ADMIN_TOKEN", AccountingIt.ADMIN_TOKEN);
        env.put("RELAY_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
        String db = "--spring.datasource.url=" + infra.jdbcUrl();
        try {
            edgeA = ServiceProcess.of(
                            "gateway-service",
                            env,
                            db,
                            "--relay.gateway.config-poll-interval=10m",
                            "--relay.gateway.proxy.replica-id=it-a")
                    .start();
            edgeB = ServiceProcess.of(
                            "gateway-service",
                            env,
                            db,
                            "--relay.gateway.config-poll-interval=10m",
                            "--relay.gateway.proxy.replica-id=it-b")
                    .start();
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        groupId = created(admin("POST", "/groups", """
                {"name":"accounting it","models":["*"]}"""));
        created(admin("POST", "/channels", """
                {"name":"sim","protocol":"OPENAI","baseUrl":"%s","credential":"sk-sim-accounting",
                 "models":["%s"],"groups":["%s"]}""".formatted(sim.baseUrl(), MODEL, groupId)));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {edgeB, edgeA, sim}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // the others matter more
                }
            }
        }
    }

    @Autowired
    Hosts hosts;

    @Autowired
    RunAccessGrants grants;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    DataSource dataSource;

    @LocalServerPort
    int port;

    @BeforeEach
    void host() {
        CLOCK.reset();
        tx.executeWithoutResult(s -> hosts.registered(new HostRegistered(
                HOST,
                "accounting it edge",
                edgeA.baseUrl() + "/admin/v1",
                AccountingIt.BOX.seal(AccountingIt.ADMIN_TOKEN),
                edgeA.baseUrl(),
                Instant.now())));
    }

    static HttpResponse<String> admin(String method, String path, String body) {
        return AccountingIt.http(
                edgeA.baseUrl() + "/admin/v1" + path,
                method,
                body,
                Map.of("Authorization", "Bearer " + AccountingIt.ADMIN_TOKEN));
    }

    static String created(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        return JSON.readTree(r.body()).path("id").asString();
    }

    /** A key on the edge, in the test's group, with key material the test knows. */
    record Key(String id, String secret, UUID consumerId) {}

    Key key(AccessOptions options) {
        String secret = "rk-it-" + UUID.randomUUID() + UUID.randomUUID();
        HttpResponse<String> r = admin("POST", "/keys", """
                {"name":"accounting it","groupId":"%s","key":"%s"}""".formatted(groupId, secret));
        String id = created(r);
        long version =
                Long.parseLong(r.headers().firstValue("Relay-Config-Version").orElseThrow());
        // both replicas know the key before the test uses it
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> configVersion(edgeA) >= version && configVersion(edgeB) >= version);
        String consumer = tx.execute(s -> grants.grant(UUID.randomUUID(), HOST, groupId, id, options));
        return new Key(id, secret, UUID.fromString(consumer));
    }

    static long configVersion(ServiceProcess edge) {
        HttpResponse<String> r = AccountingIt.http(
                edge.baseUrl() + "/admin/v1/config/version",
                "GET",
                null,
                Map.of("Authorization", "Bearer " + AccountingIt.ADMIN_TOKEN));
        return JSON.readTree(r.body()).path("version").asLong();
    }

    static HttpResponse<String> chat(ServiceProcess edge, Key key) {
        return AccountingIt.http(
                edge.baseUrl() + "/v1/chat/completions",
                "POST",
                "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("Authorization", "Bearer " + key.secret()));
    }

    static boolean refused(HttpResponse<String> r) {
        return r.statusCode() == 429
                && "key_exhausted"
                        .equals(JSON.readTree(r.body())
                                .path("error")
                                .path("code")
                                .asString());
    }

    /** What the loop saw: when each replica first refused the key, and the requests served before. */
    record Exhaustion(Instant refusedByA, Instant refusedByB, int served, HttpResponse<String> refusal) {}

    /** Sends requests alternately through both replicas until both refuse the key. */
    Exhaustion useUntilBothRefuse(Key key) {
        Instant a = null;
        Instant b = null;
        int served = 0;
        HttpResponse<String> refusal = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (int i = 0; a == null || b == null; i++) {
            assertThat(System.nanoTime())
                    .as("both replicas refuse the key in time")
                    .isLessThan(deadline);
            boolean onA = i % 2 == 0;
            HttpResponse<String> r = chat(onA ? edgeA : edgeB, key);
            if (refused(r)) {
                refusal = r;
                if (onA && a == null) {
                    a = CLOCK.instant();
                } else if (!onA && b == null) {
                    b = CLOCK.instant();
                }
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(onA ? a : b)
                        .as("a replica that refused the key once keeps refusing it")
                        .isNull();
                served++;
            }
        }
        return new Exhaustion(a, b, served, refusal);
    }

    /** Sends requests alternately through both replicas until both serve the key again; when each first did. */
    Instant[] useUntilBothServe(Key key) {
        Instant a = null;
        Instant b = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 0; a == null || b == null; i++) {
            assertThat(System.nanoTime())
                    .as("both replicas serve the key again in time")
                    .isLessThan(deadline);
            boolean onA = i % 2 == 0;
            HttpResponse<String> r = chat(onA ? edgeA : edgeB, key);
            if (r.statusCode() == 200) {
                if (onA && a == null) {
                    a = CLOCK.instant();
                } else if (!onA && b == null) {
                    b = CLOCK.instant();
                }
            } else {
                assertThat(refused(r)).as(r.body()).isTrue();
            }
        }
        return new Instant[] {a, b};
    }

    Map<String, Object> keyRow(Key key) {
        return JdbcClient.create(dataSource)
                .sql("SELECT exhausted, exhausted_reason, exhausted_until, updated_at, state_version, edge_version,"
                        + " edge_synced_at FROM consumer_key WHERE host_id = :h AND key_id = :k")
                .param("h", HOST)
                .param("k", key.id())
                .query()
                .singleRow();
    }

    Map<String, Object> awaitKey(Key key, boolean exhausted) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    Map<String, Object> row = keyRow(key);
                    return row.get("exhausted").equals(exhausted)
                            && ((Long) row.get("edge_version")) >= ((Long) row.get("state_version"));
                });
        return keyRow(key);
    }

    static Instant instant(Object timestamp) {
        return ((Timestamp) timestamp).toInstant();
    }

    static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    long balance(Key key) {
        return JdbcClient.create(dataSource)
                .sql("SELECT balance_tokens FROM consumer WHERE id = :id")
                .param("id", key.consumerId())
                .query(Long.class)
                .single();
    }

    AccountingIt.Api api() {
        return new AccountingIt.Api("http://127.0.0.1:" + port);
    }

    @Test
    void aBalanceRunsOutBothReplicasRefuseTheKeyPromptlyAndATopUpRestoresIt() {
        Key key = key(AccountingIt.selfService("it-balance-" + UUID.randomUUID(), 100L));

        Exhaustion e = useUntilBothRefuse(key);
        Map<String, Object> row = awaitKey(key, true);
        Instant decided = instant(row.get("updated_at"));
        Instant bothRefused = later(e.refusedByA(), e.refusedByB());
        long overshoot = -balance(key);
        log.info(
                "balance of 100 tokens: {} requests served, overshoot {} tokens; key exhausted by access-service at {},"
                        + " host told at {}, both replicas refusing {} ms after the decision",
                e.served(),
                overshoot,
                decided,
                row.get("edge_synced_at"),
                Duration.between(decided, bothRefused).toMillis());
        assertThat(Duration.between(decided, bothRefused)).isLessThan(PUSHED);
        assertThat(row.get("exhausted_reason")).isEqualTo("token balance used up");
        assertThat(row.get("exhausted_until")).isNull();
        assertThat(e.refusal().headers().firstValue("Retry-After")).isEmpty();
        assertThat(JSON.readTree(e.refusal().body()).path("error").path("type").asString())
                .isEqualTo("insufficient_quota");

        HttpResponse<String> topUp = api().post(
                        "/api/consumers/" + key.consumerId() + "/top-ups",
                        "{\"tokens\": 100000, \"note\": \"it\"}",
                        Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(topUp.statusCode()).as(topUp.body()).isEqualTo(201);
        Instant toppedUp = CLOCK.instant();
        Instant[] served = useUntilBothServe(key);
        log.info(
                "top-up: both replicas serve the key {} ms after the top-up answered",
                Duration.between(toppedUp, later(served[0], served[1])).toMillis());
        assertThat(Duration.between(toppedUp, later(served[0], served[1]))).isLessThan(PUSHED);
        assertThat(awaitKey(key, false).get("exhausted_reason")).isNull();
    }

    @Test
    void aNewPeriodOfTheTestClockRestoresAKeyWhoseAllowanceWasUsedUp() {
        Key key = key(AccountingIt.subscription("it-period-" + UUID.randomUUID(), 50, "day"));

        Exhaustion e = useUntilBothRefuse(key);
        Map<String, Object> row = awaitKey(key, true);
        Instant periodEnd =
                Period.DAY.windowAt(CLOCK.instant(), ZoneId.of("UTC")).end();
        assertThat(row.get("exhausted_reason")).isEqualTo("daily allowance of 50 tokens used up");
        assertThat(instant(row.get("exhausted_until"))).isEqualTo(periodEnd);
        assertThat(e.refusal().headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(e.refusal().body())
                        .path("error")
                        .path("message")
                        .asString())
                .contains("daily allowance of 50 tokens");
        log.info(
                "daily allowance of 50 tokens: {} requests served, both replicas refusing {} ms after the decision",
                e.served(),
                Duration.between(instant(row.get("updated_at")), later(e.refusedByA(), e.refusedByB()))
                        .toMillis());

        // the test clock passes midnight: the boundary timer judges the key again, the host is told
        CLOCK.advance(Duration.between(CLOCK.instant(), periodEnd).plusSeconds(1));
        Instant rolledOver = CLOCK.instant();
        Instant[] served = useUntilBothServe(key);
        log.info(
                "new period: both replicas serve the key {} ms after the clock passed the period end",
                Duration.between(rolledOver, later(served[0], served[1])).toMillis());
        assertThat(Duration.between(rolledOver, later(served[0], served[1]))).isLessThan(PUSHED);
        assertThat(awaitKey(key, false).get("exhausted")).isEqualTo(false);
        JsonNode consumer =
                JSON.readTree(api().get("/api/consumers/" + key.consumerId()).body());
        assertThat(consumer.path("subscriptions")
                        .get(0)
                        .path("current")
                        .path("periodStart")
                        .asString())
                .isEqualTo(periodEnd.toString());
    }

    @Test
    void aNewSubscriptionRestoresAKeyWhoseBalanceRanOut() {
        Key key = key(AccountingIt.selfService("it-subscribe-" + UUID.randomUUID(), 30L));
        useUntilBothRefuse(key);
        awaitKey(key, true);

        HttpResponse<String> sub = api().post(
                        "/api/consumers/" + key.consumerId() + "/subscriptions",
                        """
                        {"hostId":"%s","groupId":"%s","allowanceTokens":100000,"period":"month"}""".formatted(HOST, groupId),
                        Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(sub.statusCode()).as(sub.body()).isEqualTo(201);
        Instant subscribed = CLOCK.instant();
        Instant[] served = useUntilBothServe(key);
        assertThat(Duration.between(subscribed, later(served[0], served[1]))).isLessThan(PUSHED);
        JsonNode consumer =
                JSON.readTree(api().get("/api/consumers/" + key.consumerId()).body());
        assertThat(consumer.path("keys").get(0).path("status").asString()).isEqualTo("active");
        assertThat(consumer.path("subscriptions").get(0).path("state").asString())
                .isEqualTo("active");
        assertThat(List.of(consumer.path("balanceTokens").asLong())).allMatch(b -> b <= 0);
    }
}
