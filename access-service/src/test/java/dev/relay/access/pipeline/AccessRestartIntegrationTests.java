package dev.relay.access.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.access.AccessTestDataCleanup;
import dev.relay.testsupport.ControlPlaneStack;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import dev.relay.testsupport.ServiceProcess;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} of access-service while the confirmation windows of a 100-item run are open: after a restart every
 * item completes its window correctly — ready, once — and no resource exists twice on the edge.
 */
@RelayIntegrationTest
@ExtendWith(AccessTestDataCleanup.class)
class AccessRestartIntegrationTests {

    static final int ITEMS = 100;
    static ControlPlaneStack stack;
    static ServiceProcess access;

    @BeforeAll
    static void start() {
        stack = ControlPlaneStack.start();
        RelayInfrastructure infra = RelayInfrastructure.get();
        Map<String, String> env = new HashMap<>();
        env.put("RELAY_MASTER_KEY", ControlPlaneStack.MASTER_KEY);
        env.put("RELAY_OPERATOR_TOKEN", ControlPlaneStack.OPERATOR_TOKEN);
        env.put("RELAY_URL_ALLOWLIST", "127.0.0.1:" + stack.sim.port());
        env.put("RELAY_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
        access = ServiceProcess.of(
                "access-service",
                env,
                "--spring.datasource.url=" + infra.jdbcUrl(),
                "--spring.kafka.consumer.auto-offset-reset=latest",
                "--relay.access.consumer-group=access-restart-it-" + UUID.randomUUID(),
                "--relay.accounting.usage-consumer-group=access-usage-restart-it-" + UUID.randomUUID(),
                "--relay.access.confirmation-window=90s",
                "--relay.outbox.timer-poll-interval=100ms",
                "--relay.outbox.timer-lease=20s");
        access.start();
    }

    @AfterAll
    static void stop() {
        if (access != null) {
            access.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    static int count(String sql, Object... params) throws Exception {
        try (Connection c = RelayInfrastructure.get().adminConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void everyConfirmationWindowCompletesCorrectlyAfterAKill9() throws Exception {
        String u = UUID.randomUUID().toString().substring(0, 8);
        String host = "it-restart-" + u;
        // the listener (latest offset, fresh group) owns its partitions once it has seen the host registration
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    stack.registerHost(host);
                    return count("SELECT count(*) FROM access.host WHERE id = ?", host) == 1;
                });
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < ITEMS; i++) {
            // every upstream call takes 1 s: the windows stay open long enough to be cut by the kill
            items.append(i == 0 ? "" : ",")
                    .append("{\"baseUrl\":\"")
                    .append(stack.sim.baseUrl())
                    .append("/v1\",\"apiKey\":\"sk-sim-openai-only_latency-1000_models=rs-")
                    .append(u)
                    .append("_run=")
                    .append(i)
                    .append(u)
                    .append("\"}");
        }
        HttpResponse<String> r = stack.operator(
                "POST",
                "/api/import-runs",
                "{\"name\":\"restart\",\"hostId\":\"" + host + "\",\"items\":[" + items + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode created = ControlPlaneStack.JSON.readTree(r.body());
        String runId = created.get("id").asString();
        String clientKey = created.get("clientKey").asString();
        UUID run = UUID.fromString(runId);

        // kill -9 while windows are open: some items ready, others confirming (waited for together: a fast run can
        // have no window open at the moment the fifth item turns ready)
        int[] seen = new int[1];
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    seen[0] = count(
                            "SELECT count(*) FROM access.access_item WHERE run_id = ? AND stage = 'CONFIRMING'", run);
                    return seen[0] > 0
                            && count(
                                            "SELECT count(*) FROM access.access_item WHERE run_id = ? AND stage = 'READY'",
                                            run)
                                    >= 3;
                });
        int confirming = seen[0];
        access.kill9();
        int readyAtKill = count("SELECT count(*) FROM access.access_item WHERE run_id = ? AND stage = 'READY'", run);
        assertThat(readyAtKill).as("items ready when killed").isLessThan(ITEMS);
        assertThat(confirming).as("windows open when killed").isPositive();
        access.start();

        JsonNode done = await().atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> stack.run(runId),
                        n -> "succeeded".equalsIgnoreCase(n.path("status").asString()));
        for (JsonNode it : done.get("items")) {
            assertThat(it.get("state").asString()).as(it.toString()).isEqualTo("READY");
        }
        // exactly one confirmation per item reached the run's trail, and one channel per item exists on the edge
        assertThat(count(
                        "SELECT count(*) FROM imports.item_timeline t JOIN imports.import_item i ON i.id = t.item_id"
                                + " WHERE i.run_id = ? AND t.event_type = 'item.confirmed'",
                        run))
                .isEqualTo(ITEMS);
        assertThat(count(
                        "SELECT count(*) FROM gateway.channel WHERE managed_by = 'relay-access'"
                                + " AND external_ref LIKE ?",
                        "run:" + runId + "/%"))
                .isEqualTo(ITEMS);
        assertThat(count(
                        "SELECT count(*) FROM access.managed_resource WHERE run_id = ? AND resource_type = 'CHANNEL'",
                        run))
                .isEqualTo(ITEMS);
        assertThat(stack.client("GET", "/v1/models", clientKey, null).statusCode())
                .isEqualTo(200);
    }
}
