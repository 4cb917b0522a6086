package dev.relay.imports.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator front of import-service against real PostgreSQL, Kafka and Debezium: submission in every format,
 * validation that reports everything and stores nothing, idempotent replay, duplicates, commands answered through
 * events, paging, the operator token, routed APIs, and no secret in any response or outbox payload.
 */
@RelayIntegrationTest
@org.junit.jupiter.api.extension.ExtendWith(dev.relay.imports.ImportsTestDataCleanup.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImportRunsIntegrationTests {

    static final String TOKEN = "relay-test-operator-token-not-secret";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    IdempotencyJanitor janitor;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        registry.add("spring.datasource.url", infra::jdbcUrl);
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrap);
    }

    @BeforeEach
    void host() {
        // an edge whose admin API is not reachable: the possible-duplicate check is skipped, nothing else depends on it
        HttpResponse<String> r = call("POST", "/api/hosts", "application/json", """
                {"id":"it-edge","name":"test edge","adminUrl":"http://127.0.0.1:9/admin/v1",
                 "adminToken":"adm-test-not-secret","clientUrl":"http://127.0.0.1:9"}
                """, Map.of());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    }

    // ------------------------------------------------------------------ submission

    @Test
    void acceptsAJsonRunSealsKeysFindsDuplicatesAndProjectsTheSubmittedEvents() {
        String key1 = "sk-it-" + UUID.randomUUID();
        String key2 = "sk-it-" + UUID.randomUUID();
        String body = """
                {"name":"json run","access":{"mode":"subscription","allowanceTokens":100000,"period":"week"},
                 "items":[
                   {"baseUrl":"https://api.deepseek.example/v1/","apiKey":"%s","models":["deepseek-chat"],
                    "aliases":{"ds":"deepseek-chat"},"priority":5,"firstByteTimeoutMs":5000,"totalTimeoutMs":60000,
                    "extraHeaders":{"Host":"api.deepseek.com"}},
                   {"baseUrl":"https://API.deepseek.example","apiKey":"%s"},
                   {"baseUrl":"https://api.moonshot.example","apiKey":"%s","protocol":"anthropic"}]}
                """.formatted(key1, key1, key2);
        HttpResponse<String> r = call("POST", "/api/import-runs", "application/json", body, Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode run = JSON.readTree(r.body());
        assertThat(run.get("clientKey").asString()).startsWith("rk-").hasSizeGreaterThan(40);
        assertThat(run.get("status").asString()).isEqualTo("running");
        assertThat(run.get("hostId").asString()).isEqualTo("it-edge");
        assertThat(run.at("/counts/SUBMITTED").asInt()).isEqualTo(2);
        assertThat(run.at("/counts/DUPLICATE").asInt()).isEqualTo(1);
        assertThat(run.at("/access/mode").asString()).isEqualTo("subscription");
        assertThat(run.get("items")).hasSize(3);
        assertThat(run.at("/items/1/state").asString()).isEqualTo("DUPLICATE");
        assertThat(run.at("/items/1/duplicateOf").asString())
                .isEqualTo(run.at("/items/0/id").asString());
        assertThat(r.headers().firstValue("location"))
                .hasValue("/api/import-runs/" + run.get("id").asString());
        assertNoSecrets(r.body(), key1, key2);

        // the projection consumes what the outbox relayed: every item gets its event in the timeline
        String runId = run.get("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode got = JSON.readTree(call("GET", "/api/import-runs/" + runId, null, null, Map.of())
                    .body());
            for (JsonNode item : got.get("items")) {
                if (item.get("timeline").isEmpty()) {
                    return false;
                }
            }
            return true;
        });
        JsonNode got = JSON.readTree(
                call("GET", "/api/import-runs/" + runId, null, null, Map.of()).body());
        assertThat(got.has("clientKey")).isFalse();
        assertThat(got.at("/items/0/timeline/0/event").asString()).isEqualTo("item.submitted");
        assertThat(got.at("/items/1/timeline/0/event").asString()).isEqualTo("item.duplicate");
        assertNoSecrets(got.toString(), key1, key2);
        // nor in the outbox, which Debezium publishes
        List<String> payloads = jdbc.sql("SELECT payload::text FROM outbox WHERE payload::text LIKE :run")
                .param("run", "%" + runId + "%")
                .query(String.class)
                .list();
        assertThat(payloads).hasSize(3);
        payloads.forEach(
                p -> assertNoSecrets(p, key1, key2, run.get("clientKey").asString()));
    }

    @Test
    void acceptsTextAndCsvLinesWithTheOptionsAsQueryParameters() {
        String text = """
                # DeepSeek and Kimi keys
                https://api.deepseek.example sk-text-%1$s
                https://api.moonshot.example/v1 sk-text2-%1$s anthropic kimi-k2;moonshot-v1-8k k2=kimi-k2 3
                """.formatted(UUID.randomUUID());
        HttpResponse<String> r = call(
                "POST",
                "/api/import-runs?name=text+run&mode=self_service&balanceTokens=5000",
                "text/plain",
                text,
                Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode run = JSON.readTree(r.body());
        assertThat(run.get("total").asInt()).isEqualTo(2);
        assertThat(run.at("/access/balanceTokens").asLong()).isEqualTo(5000);
        assertThat(run.at("/items/1/protocol").asString()).isEqualTo("anthropic");
        assertThat(run.at("/items/1/requestedModels").toString()).isEqualTo("[\"kimi-k2\",\"moonshot-v1-8k\"]");
        assertThat(run.at("/items/1/priority").asInt()).isEqualTo(3);

        String csv = """
                url,key,protocol,models,aliases,priority
                https://dashscope.example/compatible-mode/v1,"sk-csv-%s",openai,qwen-plus,,1
                """.formatted(UUID.randomUUID());
        HttpResponse<String> c = call("POST", "/api/import-runs?name=csv", "text/csv", csv, Map.of());
        assertThat(c.statusCode()).as(c.body()).isEqualTo(201);
        assertThat(JSON.readTree(c.body()).at("/items/0/baseUrl").asString())
                .isEqualTo("https://dashscope.example/compatible-mode/v1");
    }

    @Test
    void reportsEveryValidationProblemAtOnceAndStoresNothing() {
        long before = runs();
        String body = """
                {"name":"","colour":"red","access":{"mode":"subscription"},
                 "items":[{"baseUrl":"ftp://x","apiKey":""},
                          {"baseUrl":"https://ok.example","apiKey":"sk-1","priority":"high","extraHeaders":{"Authorization":"x"}},
                          {"apiKey":"sk 2","models":[""],"firstByteTimeoutMs":9000,"totalTimeoutMs":100,"spin":1},
                          {"baseUrl":"https://a.example","apiKey":"sk-3","extraHeaders":{"api-key":"azure-secret"}}]}
                """;
        HttpResponse<String> r = call("POST", "/api/import-runs", "application/json", body, Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/problem+json");
        JsonNode p = JSON.readTree(r.body());
        assertThat(p.get("code").asString()).isEqualTo("validation_failed");
        List<String> where = new ArrayList<>();
        p.get("errors")
                .forEach(e -> where.add((e.has("item") ? e.get("item").asInt() + ":" : "")
                        + e.get("field").asString()));
        assertThat(where)
                .contains(
                        "name",
                        "colour",
                        "access.allowanceTokens",
                        "0:baseUrl",
                        "0:apiKey",
                        "1:priority",
                        "1:extraHeaders",
                        "2:baseUrl",
                        "2:apiKey",
                        "2:models",
                        "2:firstByteTimeoutMs",
                        "2:spin",
                        "3:extraHeaders");
        assertThat(runs()).isEqualTo(before);

        HttpResponse<String> badLine =
                call("POST", "/api/import-runs?name=t", "text/plain", "https://x.example\n", Map.of());
        assertThat(badLine.statusCode()).isEqualTo(400);
        assertThat(badLine.body()).contains("line 1");
        HttpResponse<String> noHost = call(
                "POST",
                "/api/import-runs",
                "application/json",
                "{\"name\":\"n\",\"hostId\":\"nowhere\",\"items\":[{\"baseUrl\":\"https://a.example\",\"apiKey\":\"sk-x\"}]}",
                Map.of());
        assertThat(noHost.statusCode()).isEqualTo(400);
        assertThat(noHost.body()).contains("hostId");
        assertThat(runs()).isEqualTo(before);
    }

    @Test
    void replaysTheFirstResponseForTheSameIdempotencyKeyAndRefusesItForAnotherRequest() {
        String idem = "idem-" + UUID.randomUUID();
        String body = "{\"name\":\"idem\",\"items\":[{\"baseUrl\":\"https://a.example\",\"apiKey\":\"sk-idem-"
                + UUID.randomUUID() + "\"}]}";
        HttpResponse<String> first =
                call("POST", "/api/import-runs", "application/json", body, Map.of("Idempotency-Key", idem));
        HttpResponse<String> again =
                call("POST", "/api/import-runs", "application/json", body, Map.of("Idempotency-Key", idem));
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(JSON.readTree(again.body()).get("clientKey").asString()).startsWith("rk-");

        HttpResponse<String> other = call(
                "POST",
                "/api/import-runs",
                "application/json",
                body.replace("idem\"", "idem2\""),
                Map.of("Idempotency-Key", idem));
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(other.body()).get("code").asString()).isEqualTo("idempotency_key_reused");

        // once its window has passed the key is purged, and it may be used again for anything
        jdbc.sql("UPDATE idempotency SET expires_at = now() - interval '1 second' WHERE key = :k")
                .param("k", idem)
                .update();
        assertThat(janitor.purge()).isGreaterThanOrEqualTo(1);
        HttpResponse<String> reused = call(
                "POST",
                "/api/import-runs",
                "application/json",
                body.replace("idem\"", "idem3\""),
                Map.of("Idempotency-Key", idem));
        assertThat(reused.statusCode()).as(reused.body()).isEqualTo(201);
        assertThat(reused.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void findsADuplicateOfALiveItemOfAnotherRun() {
        String key = "sk-dup-" + UUID.randomUUID();
        String item = "{\"baseUrl\":\"https://dup.example/v1\",\"apiKey\":\"" + key + "\"}";
        HttpResponse<String> a = call(
                "POST", "/api/import-runs", "application/json", "{\"name\":\"a\",\"items\":[" + item + "]}", Map.of());
        HttpResponse<String> b = call(
                "POST",
                "/api/import-runs",
                "application/json",
                "{\"name\":\"b\",\"items\":[" + item.replace("/v1", "") + "]}",
                Map.of());
        JsonNode runA = JSON.readTree(a.body());
        JsonNode runB = JSON.readTree(b.body());
        assertThat(runB.at("/items/0/state").asString()).isEqualTo("DUPLICATE");
        assertThat(runB.at("/items/0/duplicateOf").asString())
                .isEqualTo(runA.at("/items/0/id").asString());
    }

    // ------------------------------------------------------------------ commands and reads

    @Test
    void cancelsThroughACommandEventAndPagesItemsAndRuns() {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            items.append(i == 0 ? "" : ",")
                    .append("{\"baseUrl\":\"https://p")
                    .append(i)
                    .append(".example\",\"apiKey\":\"sk-page-")
                    .append(UUID.randomUUID())
                    .append("\"}");
        }
        JsonNode run = JSON.readTree(call(
                        "POST",
                        "/api/import-runs",
                        "application/json",
                        "{\"name\":\"paged\",\"items\":[" + items + "]}",
                        Map.of())
                .body());
        String runId = run.get("id").asString();
        String item0 = run.at("/items/0/id").asString();

        HttpResponse<String> cancel =
                call("POST", "/api/import-runs/" + runId + "/items/" + item0 + "/cancel", null, null, Map.of());
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> JSON.readTree(
                                call("GET", "/api/import-runs/" + runId + "/items/" + item0, null, null, Map.of())
                                        .body())
                        .get("state")
                        .asString()
                        .equals("CANCELLED"));
        HttpResponse<String> again =
                call("POST", "/api/import-runs/" + runId + "/items/" + item0 + "/cancel", null, null, Map.of());
        assertThat(again.statusCode()).isEqualTo(409);
        HttpResponse<String> retry =
                call("POST", "/api/import-runs/" + runId + "/items/" + item0 + "/retry", null, null, Map.of());
        assertThat(retry.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(retry.body()).get("code").asString()).isEqualTo("not_retryable");

        List<Integer> indexes = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = JSON.readTree(call(
                            "GET",
                            "/api/import-runs/" + runId + "/items?limit=2"
                                    + (cursor == null ? "" : "&cursor=" + cursor),
                            null,
                            null,
                            Map.of())
                    .body());
            page.get("data").forEach(i -> indexes.add(i.get("index").asInt()));
            cursor = page.get("hasMore").asBoolean() ? page.get("nextCursor").asString() : null;
        } while (cursor != null);
        assertThat(indexes).containsExactly(0, 1, 2, 3, 4);
        JsonNode cancelled =
                JSON.readTree(call("GET", "/api/import-runs/" + runId + "/items?state=cancelled", null, null, Map.of())
                        .body());
        assertThat(cancelled.get("data")).hasSize(1);

        JsonNode runs = JSON.readTree(
                call("GET", "/api/import-runs?limit=1", null, null, Map.of()).body());
        assertThat(runs.get("data")).hasSize(1);
        assertThat(runs.get("hasMore").asBoolean()).isTrue();
        JsonNode next = JSON.readTree(call(
                        "GET",
                        "/api/import-runs?limit=1&cursor="
                                + runs.get("nextCursor").asString(),
                        null,
                        null,
                        Map.of())
                .body());
        assertThat(next.at("/data/0/createdAt").asString())
                .isLessThanOrEqualTo(runs.at("/data/0/createdAt").asString());
        assertThat(call("GET", "/api/import-runs?cursor=zzzz", null, null, Map.of())
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void refusesCallsWithoutTheOperatorTokenAndRoutesOtherServicesApis() throws Exception {
        HttpResponse<String> none = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/import-runs"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(none.body()).get("code").asString()).isEqualTo("unauthorized");
        HttpResponse<String> wrong = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/import-runs"))
                        .header("Authorization", "Bearer nope")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);

        // encoded or parameterised forms of /api that the MVC router would still route are no way around the token
        for (String sneaky :
                new String[] {"/%61pi/import-runs", "/api;x/import-runs", "/API/import-runs", "//api/hosts"}) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + sneaky))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(sneaky).isEqualTo(401);
        }

        HttpResponse<String> usage = call("GET", "/api/usage?consumer=x", null, null, Map.of());
        assertThat(usage.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(usage.body()).get("code").asString()).isEqualTo("service_unavailable");
    }

    // ------------------------------------------------------------------ helpers

    private long runs() {
        return jdbc.sql("SELECT count(*) FROM import_run").query(Long.class).single();
    }

    private static void assertNoSecrets(String text, String... secrets) {
        for (String s : secrets) {
            assertThat(text).as("a secret in clear").doesNotContain(s);
        }
    }

    private HttpResponse<String> call(
            String method, String path, String type, String body, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + TOKEN)
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            if (type != null) {
                b.header("Content-Type", type);
            }
            headers.forEach(b::header);
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
