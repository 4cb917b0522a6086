package dev.relay.access.accounting.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.access.accounting.AccountingIt;
import dev.relay.access.accounting.AccountingTestDataCleanup;
import dev.relay.contracts.UsageRecorded;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import dev.relay.testsupport.ServiceProcess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kill -9} of access-service while usage flows: access-service runs as its own process, usage events are
 * produced to {@code relay.usage} at a steady rate, the process is killed mid-stream and started again, and the edge's
 * journal is simulated by sending every event once more. Afterwards every request is stored exactly once and debited
 * exactly once, and the roll-ups and the balance ledger agree with the rows.
 */
@RelayIntegrationTest
@ExtendWith(AccountingTestDataCleanup.class)
class UsageLedgerRestartIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(UsageLedgerRestartIntegrationTests.class);
    static final int EVENTS = 4_000;
    static final long OPENING = 100_000_000L;

    @Test
    void noRequestIsLostOrCountedTwiceWhenAccessServiceIsKilledWhileUsageFlows() throws Exception {
        RelayInfrastructure infra = RelayInfrastructure.get();
        String keyId = "itk-restart-" + UUID.randomUUID().toString().substring(0, 8);
        String groupId = "grp-restart";
        UUID consumerId = UUID.randomUUID();
        List<UsageRecorded> events = new ArrayList<>();
        Instant t0 = Instant.now();
        for (int i = 0; i < EVENTS; i++) {
            events.add(AccountingIt.usage(
                    keyId + "-req-" + i,
                    keyId,
                    groupId,
                    "sim-gpt-4o",
                    10,
                    5,
                    UsageRecorded.Purpose.CLIENT,
                    t0.plusMillis(i)));
        }
        ServiceProcess access = ServiceProcess.of(
                "access-service",
                Map.of(
                        "RELAY_MASTER_KEY", AccountingIt.MASTER_KEY,
                        "RELAY_OPERATOR_TOKEN", AccountingIt.OPERATOR_TOKEN,
                        "RELAY_KAFKA_BOOTSTRAP", infra.kafkaBootstrap()),
                "--spring.datasource.url=" + infra.jdbcUrl(),
                "--spring.kafka.consumer.auto-offset-reset=latest",
                "--relay.access.consumer-group=access-it-" + UUID.randomUUID(),
                "--relay.accounting.usage-consumer-group=" + AccountingIt.freshUsageGroup(),
                "--relay.accounting.usage-max-poll-records=200",
                // the killed member's partitions go to the restarted one after this, not Kafka's default 45 s
                "--spring.kafka.consumer.properties.session.timeout.ms=8000",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=2000");
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        try (AccountingIt.UsageProducer producer = new AccountingIt.UsageProducer()) {
            access.start();
            try (Connection c = infra.adminConnection()) {
                exec(
                        c,
                        "INSERT INTO access.consumer (id, name, kind, balance_tokens, created_at, updated_at)"
                                + " VALUES ('" + consumerId + "', 'it-restart-" + consumerId + "', 'application', "
                                + OPENING
                                + ", now(), now())");
                exec(
                        c,
                        "INSERT INTO access.balance_entry (id, consumer_id, kind, tokens, balance_after, created_at)"
                                + " VALUES ('" + UUID.randomUUID() + "', '" + consumerId + "', 'OPENING', " + OPENING
                                + ", "
                                + OPENING + ", now())");
                exec(
                        c,
                        "INSERT INTO access.consumer_key (host_id, key_id, consumer_id, group_id, created_at,"
                                + " updated_at) VALUES ('it-host', '" + keyId + "', '" + consumerId + "', '" + groupId
                                + "', now(), now())");
            }

            // 40 events every 50 ms: ~800 events/s, for ~5 s
            AtomicInteger sent = new AtomicInteger();
            pace.scheduleAtFixedRate(
                    () -> {
                        for (int i = 0; i < 40 && sent.get() < EVENTS; i++) {
                            producer.send(events.get(sent.getAndIncrement()));
                        }
                    },
                    0,
                    50,
                    TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> count(infra, "usage_request WHERE key_id = '" + keyId + "'") >= EVENTS / 4);
            access.kill9();
            long atKill = count(infra, "usage_request WHERE key_id = '" + keyId + "'");
            int sentAtKill = sent.get();
            log.info("killed access-service (pid gone) with {} of {} sent events stored", atKill, sentAtKill);
            assertThat(atKill).isLessThan(EVENTS);

            access.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= EVENTS);
            producer.flush();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> count(infra, "usage_request WHERE key_id = '" + keyId + "'") == EVENTS);

            // the edge's journal replays every event; a sentinel behind the replay shows it has been read
            events.forEach(producer::send);
            UsageRecorded sentinel = AccountingIt.usage(
                    keyId + "-sentinel", keyId, groupId, "sim-gpt-4o", 10, 5, UsageRecorded.Purpose.CLIENT, t0);
            producer.send(sentinel);
            producer.flush();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> count(infra, "usage_request WHERE request_id = '" + sentinel.requestId() + "'") == 1);
        } finally {
            pace.shutdownNow();
            access.close();
        }

        long n = EVENTS + 1;
        assertThat(count(infra, "usage_request WHERE key_id = '" + keyId + "'")).isEqualTo(n);
        assertThat(sum(infra, "balance_tokens", "consumer WHERE id = '" + consumerId + "'"))
                .isEqualTo(OPENING - 15 * n);
        assertThat(sum(infra, "tokens", "balance_entry WHERE kind = 'DEBIT' AND consumer_id = '" + consumerId + "'"))
                .isEqualTo(-15 * n);
        assertThat(sum(infra, "balance_tokens", "usage_request WHERE key_id = '" + keyId + "'"))
                .isEqualTo(15 * n);
        assertThat(sum(infra, "requests", "usage_hourly WHERE key_id = '" + keyId + "'"))
                .isEqualTo(n);
        assertThat(sum(infra, "debited_tokens", "usage_hourly WHERE key_id = '" + keyId + "'"))
                .isEqualTo(15 * n);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    static long count(RelayInfrastructure infra, String fromWhere) throws SQLException {
        return sum(infra, "1", fromWhere);
    }

    static long sum(RelayInfrastructure infra, String column, String fromWhere) throws SQLException {
        try (Connection c = infra.adminConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT coalesce(sum(" + column + "), 0) FROM access." + fromWhere);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
