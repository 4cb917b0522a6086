package dev.relay.imports.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.imports.ImportsTestDataCleanup;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import dev.relay.testsupport.ServiceProcess;
import dev.relay.testsupport.UpstreamSimulatorProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Durability: import-service and probe-service are killed with {@code kill -9} in the middle of a 200-item batch and
 * started again; every item still reaches its correct state, and exactly once (one {@code item.probed} per item in
 * its trail). The probes in flight lose their timer lease and run again; the events already relayed are applied once.
 */
@RelayIntegrationTest
@ExtendWith(ImportsTestDataCleanup.class)
class ImportRestartIntegrationTests {

    static final String TOKEN = "relay-test-operator-token-not-secret";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final int ITEMS = 200;

    static UpstreamSimulatorProcess sim;
    static ServiceProcess probe;
    static ServiceProcess imports;

    @BeforeAll
    static void start() {
        sim = UpstreamSimulatorProcess.start();
        RelayInfrastructure infra = RelayInfrastructure.get();
        Map<String, String> env = new HashMap<>();
        env.put("RELAY_MASTER_KEY", "cmVsYXktZGV2LW1hc3Rlci1rZXktTk9ULVNFQ1JFVCE=");
        env.put("RELAY_OPERATOR_TOKEN", TOKEN);
        env.put("RELAY_KEY_HMAC_SECRET", "relay-test-hmac-secret-not-secret");
        env.put("RELAY_DEFAULT_HOST", "it-edge");
        env.put("RELAY_URL_ALLOWLIST", "127.0.0.1:" + sim.port());
        env.put("RELAY_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
        String db = "--spring.datasource.url=" + infra.jdbcUrl();
        probe = ServiceProcess.of("probe-service", env, db, "--relay.outbox.timer-lease=10s")
                .start();
        imports = ServiceProcess.of("import-service", env, db).start();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {imports, probe, sim}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void killingProbeAndImportServiceMidBatchLosesAndDuplicatesNothing() {
        call("POST", "/api/hosts", """
                {"id":"it-edge","name":"test edge","adminUrl":"http://127.0.0.1:9/admin/v1",
                 "adminToken":"adm-test-not-secret","clientUrl":"http://127.0.0.1:9"}
                """);
        String u = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < ITEMS; i++) {
            // every tenth item's key is refused: a final failure is a correct state too
            String key = (i % 10 == 9 ? "sk-sim-error-string" : "sk-sim-latency-150_models=deepseek-chat") + "_run=" + u
                    + "-" + i;
            items.append(i == 0 ? "" : ",")
                    .append("{\"baseUrl\":\"")
                    .append(sim.baseUrl())
                    .append("\",\"apiKey\":\"")
                    .append(key)
                    .append("\",\"models\":[\"deepseek-chat\"]}");
        }
        HttpResponse<String> r = call("POST", "/api/import-runs", "{\"name\":\"restart\",\"items\":[" + items + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String runId = JSON.readTree(r.body()).get("id").asString();

        // mid-batch: some items probed, many still open
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode counts = JSON.readTree(call("GET", "/api/import-runs/" + runId, null)
                                    .body())
                            .get("counts");
                    return counts.get("PROBED").asInt() >= ITEMS / 5;
                });
        probe.kill9();
        imports.kill9();
        int doneAtKill =
                jdbcCount("SELECT count(*) FROM imports.import_item i JOIN imports.import_run r ON r.id = i.run_id"
                        + " WHERE r.id = '" + runId + "' AND i.state IN ('PROBED', 'FAILED')");
        assertThat(doneAtKill).as("the kill must land mid-batch").isLessThan(ITEMS);
        probe.start();
        imports.start();

        JsonNode run = await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> JSON.readTree(
                                call("GET", "/api/import-runs/" + runId, null).body()),
                        got -> got.at("/counts/PROBED").asInt()
                                        + got.at("/counts/FAILED").asInt()
                                == ITEMS);
        assertThat(run.at("/counts/PROBED").asInt()).as(probe.tail()).isEqualTo(ITEMS - ITEMS / 10);
        assertThat(run.at("/counts/FAILED").asInt()).isEqualTo(ITEMS / 10);
        for (JsonNode item : run.get("items")) {
            long probed = 0;
            long failed = 0;
            long submitted = 0;
            for (JsonNode t : item.get("timeline")) {
                switch (t.get("event").asString()) {
                    case "item.probed" -> probed++;
                    case "item.probe-failed" -> failed++;
                    case "item.submitted" -> submitted++;
                    default -> {}
                }
            }
            assertThat(submitted).as("item %s", item.get("index")).isEqualTo(1);
            if (item.get("state").asString().equals("PROBED")) {
                assertThat(probed).as("item %s", item.get("index")).isEqualTo(1);
                assertThat(failed).isZero();
            } else {
                assertThat(item.get("classification").asString()).isEqualTo("AUTH_INVALID");
                assertThat(failed).as("item %s", item.get("index")).isEqualTo(1);
                assertThat(probed).isZero();
            }
        }
    }

    private static int jdbcCount(String sql) {
        try (var c = RelayInfrastructure.get().adminConnection();
                var st = c.createStatement();
                var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> call(String method, String path, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(imports.baseUrl() + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
