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
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Import and probe end to end: import-service in this JVM, probe-service as its own process, the simulator as the
 * upstream, real PostgreSQL, Kafka and Debezium in between. One mixed batch reaches every classification, a model-name
 * correction, the warm-up warning and a duplicate; every item's outcome comes back into the run through events. No
 * call leaves this machine: the guard's allow-list names only the simulator and one closed loopback port; the URLs
 * it must refuse are loopback addresses not on it.
 */
@RelayIntegrationTest
@ExtendWith(ImportsTestDataCleanup.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImportPipelineIntegrationTests {

    static final String TOKEN = "relay-test-operator-token-not-secret";
    static final String MASTER_KEY = "cmVsYXktZGV2LW1hc3Rlci1rZXktTk9ULVNFQ1JFVCE=";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static UpstreamSimulatorProcess sim;
    static ServiceProcess probe;
    static int closedPort;

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        registry.add("spring.datasource.url", infra::jdbcUrl);
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrap);
    }

    @BeforeAll
    static void start() throws Exception {
        sim = UpstreamSimulatorProcess.start();
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort(); // closed again: connecting to it is refused
        }
        RelayInfrastructure infra = RelayInfrastructure.get();
        Map<String, String> env = new HashMap<>();
        env.put("RELAY_MASTER_KEY", MASTER_KEY);
        env.put("RELAY_URL_ALLOWLIST", "127.0.0.1:" + sim.port() + ",127.0.0.1:" + closedPort);
        env.put("RELAY_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
        probe = ServiceProcess.of(
                        "probe-service",
                        env,
                        "--spring.datasource.url=" + infra.jdbcUrl(),
                        "--relay.probe.call-timeout=2s",
                        "--relay.probe.max-attempts=2",
                        "--relay.outbox.timer-poll-interval=100ms")
                .start();
    }

    @AfterAll
    static void stop() {
        if (probe != null) {
            probe.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void aMixedBatchReachesEveryClassificationCorrectionAndWarning() throws Exception {
        call("POST", "/api/hosts", """
                {"id":"it-edge","name":"test edge","adminUrl":"http://127.0.0.1:9/admin/v1",
                 "adminToken":"adm-test-not-secret","clientUrl":"http://127.0.0.1:9"}
                """);
        String s = sim.baseUrl();
        String u = UUID.randomUUID().toString().substring(0, 8);
        List<String[]> lines = List.of(
                // index, base URL, key, models (JSON array) — expectation in the assertions below
                new String[] {
                    s + "/v1",
                    "sk-sim-openai-only_models=deepseek-chat+bge-m3_run=" + u,
                    "[\"DeepSeek_Chat\",\"bge-m3\"]"
                },
                new String[] {
                    s + "/anthropic", "sk-sim-anthropic-only_models=claude-sonnet-4_run=" + u, "[\"claude-sonnet-4\"]"
                },
                new String[] {s, "sk-bad", "[]"},
                new String[] {s, "sk-sim-quota_run=" + u, "[]"},
                new String[] {s, "sk-sim-429_run=" + u, "[]"},
                new String[] {"http://127.0.0.1:" + closedPort, "sk-unreachable-" + u, "[]"},
                new String[] {s, "sk-sim-hang_run=" + u, "[]"},
                new String[] {s, "sk-sim-empty_models=sim-gpt-4o_run=" + u, "[\"sim-gpt-4o\"]"},
                new String[] {s, "sk-sim-models=sim-gpt-4o+sim-gpt-4o-mini_run=" + u, "[\"gpt-9-ultra\"]"},
                new String[] {"http://127.0.0.1:5432", "sk-pg-" + u, "[]"},
                new String[] {"http://localhost:6379/v1", "sk-redis-" + u, "[]"},
                new String[] {s, "sk-sim-warmup-403_models=deepseek-chat_run=" + u, "[\"deepseek-chat\"]"},
                new String[] {
                    s + "/v1", "sk-sim-openai-only_models=deepseek-chat+bge-m3_run=" + u, "[\"deepseek-chat\"]"
                },
                new String[] {s + "/compatible-mode/v1", "sk-sim-error-string_run=" + u, "[]"});
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String[] l = lines.get(i);
            items.append(i == 0 ? "" : ",")
                    .append("{\"baseUrl\":\"")
                    .append(l[0])
                    .append("\",\"apiKey\":\"")
                    .append(l[1])
                    .append("\",\"models\":")
                    .append(l[2])
                    .append('}');
        }
        HttpResponse<String> r = call("POST", "/api/import-runs", "{\"name\":\"mixed\",\"items\":[" + items + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String runId = JSON.readTree(r.body()).get("id").asString();

        JsonNode run = await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> JSON.readTree(
                                call("GET", "/api/import-runs/" + runId, null).body()),
                        got -> {
                            for (JsonNode it : got.get("items")) {
                                String st = it.get("state").asString();
                                if (!st.equals("PROBED") && !st.equals("FAILED") && !st.equals("DUPLICATE")) {
                                    return false;
                                }
                            }
                            return true;
                        });
        JsonNode it = run.get("items");
        String log = "probe-service log:\n" + probe.tail() + "\nrun: " + run.toPrettyString();

        // 0: corrected model name, an embedding model tested by its capability
        assertThat(it.get(0).get("state").asString()).as(log).isEqualTo("PROBED");
        assertThat(it.get(0).get("models").toString())
                .contains("\"deepseek-chat\":\"deepseek-chat\"")
                .contains("bge-m3");
        assertThat(it.get(0).at("/corrections/0/requested").asString()).isEqualTo("DeepSeek_Chat");
        assertThat(it.get(0).at("/corrections/0/corrected").asString()).isEqualTo("deepseek-chat");
        assertThat(it.get(0).at("/capabilities/chat").asBoolean()).isTrue();
        assertThat(it.get(0).at("/capabilities/streaming").asBoolean()).isTrue();
        assertThat(it.get(0).at("/capabilities/embeddings").asBoolean()).isTrue();
        assertThat(it.get(0).at("/capabilities/anthropicMessages").asBoolean()).isFalse();
        // 1: Anthropic only, under the vendor path
        assertThat(it.get(1).get("state").asString()).as(log).isEqualTo("PROBED");
        assertThat(it.get(1).at("/capabilities/anthropicMessages").asBoolean()).isTrue();
        assertThat(it.get(1).at("/probe/apiBases/0/protocol").asString()).isEqualTo("ANTHROPIC");
        assertThat(it.get(1).at("/probe/apiBases/0/baseUrl").asString()).endsWith("/anthropic");
        // failures, each with its classification
        assertFailed(it.get(2), "AUTH_INVALID", log);
        assertFailed(it.get(3), "QUOTA_EXHAUSTED", log);
        assertFailed(it.get(4), "RATE_LIMITED", log);
        assertFailed(it.get(5), "UNREACHABLE", log);
        assertFailed(it.get(6), "TIMEOUT", log);
        assertFailed(it.get(7), "INCOMPATIBLE", log);
        assertFailed(it.get(8), "MODEL_NOT_FOUND", log);
        assertThat(lastDetail(it.get(8)).get("candidates").toString()).contains("sim-gpt-4o");
        assertFailed(it.get(9), "URL_NOT_ALLOWED", log);
        assertThat(lastDetail(it.get(9)).get("resolvedAddress").asString()).isEqualTo("127.0.0.1");
        assertFailed(it.get(10), "URL_NOT_ALLOWED", log);
        // retryable failures were retried: two attempts in the trail
        assertThat(events(it.get(4), "item.probe-failed")).isEqualTo(2);
        assertThat(events(it.get(5), "item.probe-failed")).isEqualTo(2);
        assertThat(events(it.get(2), "item.probe-failed")).isEqualTo(1);
        // 11: the warm-up race is a warning, not a failure
        assertThat(it.get(11).get("state").asString()).as(log).isEqualTo("PROBED");
        assertThat(it.get(11).get("warnings").toString()).contains("WARMUP_403");
        // 12: the same API base and key as item 0
        assertThat(it.get(12).get("state").asString()).isEqualTo("DUPLICATE");
        // 13: "error" as a plain string, under a vendor path
        assertFailed(it.get(13), "AUTH_INVALID", log);

        // evidence is recorded and carries no key
        assertThat(it.get(0).at("/probe/evidence").size()).isGreaterThanOrEqualTo(4);
        for (String[] l : lines) {
            assertThat(run.toString()).doesNotContain(l[1]);
        }
        assertThat(Files.readString(probe.log())).doesNotContain("sk-sim-openai-only_models", "sk-bad\"");
    }

    private static void assertFailed(JsonNode item, String classification, String log) {
        assertThat(item.get("state").asString()).as(log).isEqualTo("FAILED");
        assertThat(item.get("classification").asString()).as(log).isEqualTo(classification);
        assertThat(item.get("stage").asString()).isEqualTo("PROBING");
    }

    private static JsonNode lastDetail(JsonNode item) {
        JsonNode t = item.get("timeline");
        return t.get(t.size() - 1).get("detail");
    }

    private static long events(JsonNode item, String type) {
        long n = 0;
        for (JsonNode t : item.get("timeline")) {
            if (t.get("event").asString().equals(type)) {
                n++;
            }
        }
        return n;
    }

    private HttpResponse<String> call(String method, String path, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
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
