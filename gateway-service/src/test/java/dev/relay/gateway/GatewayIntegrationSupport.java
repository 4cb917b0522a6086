package dev.relay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import dev.relay.testsupport.UpstreamSimulatorProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Base of the gateway's end-to-end tests: the gateway on a random port against real PostgreSQL, Kafka, Debezium and
 * Redis, with the upstream simulator as a separate process. Fixtures are created through the admin API, with unique
 * model names per test so tests never share channel state.
 */
@RelayIntegrationTest
@org.junit.jupiter.api.extension.ExtendWith(GatewayTestDataCleanup.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "relay.gateway.admin-token=" + GatewayIntegrationSupport.ADMIN_TOKEN,
            "relay.gateway.master-key=" + GatewayIntegrationSupport.MASTER_KEY,
            "relay.gateway.proxy.first-byte-timeout=3s",
            "relay.gateway.proxy.stream-idle-timeout=3s",
            "relay.gateway.proxy.non-stream-timeout=5s",
            "relay.gateway.proxy.total-deadline=20s"
        })
public abstract class GatewayIntegrationSupport {

    public static final String ADMIN_TOKEN = "relay-test-admin-token-not-secret";
    /** The shared test master key of src/test/resources/config/application.yml (not secret). */
    public static final String MASTER_KEY = "cmVsYXktZGV2LW1hc3Rlci1rZXktTk9ULVNFQ1JFVCE=";

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    /**
     * HTTP/1.1, as the SDKs speak it over cleartext. The JDK client's default (HTTP/2, an {@code h2c} upgrade offered
     * on every new connection) twice left a request on a reused connection unanswered for 30 s in CI
     * ({@code IntrospectionIntegrationTests}, never reproduced by hand; root cause not established).
     */
    protected static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    protected static UpstreamSimulatorProcess sim;

    @Value("${local.server.port}")
    protected int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        registry.add("spring.datasource.url", infra::jdbcUrl);
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrap);
    }

    @BeforeAll
    static void startSimulator() {
        if (sim == null) {
            sim = UpstreamSimulatorProcess.start();
        }
    }

    @AfterAll
    static void stopSimulator() {
        if (sim != null) {
            sim.close();
            sim = null;
        }
    }

    protected String gateway() {
        return "http://127.0.0.1:" + port;
    }

    // ------------------------------------------------------------------ admin fixtures

    protected JsonNode admin(String method, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway() + "/admin/v1" + path))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s %s -> %s", method, path, r.body()).isBetween(200, 299);
            return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** A group exposing every model and a key in it; returns the key's plaintext. */
    protected String newClientKey() {
        return newClientKey(List.of("*"), null);
    }

    protected String newClientKey(List<String> models, Integer ratePerMinute) {
        String group = admin("POST", "/groups", Map.of("name", "it-" + UUID.randomUUID(), "models", models))
                .get("id")
                .asString();
        ObjectNode key = JSON.createObjectNode();
        key.put("name", "it-key");
        key.put("groupId", group);
        if (ratePerMinute != null) {
            key.put("rateLimitPerMinute", ratePerMinute);
        }
        return admin("POST", "/keys", key).get("key").asString();
    }

    /** A channel on the simulator; {@code upstreamKey} selects the simulator's scripted behaviour. */
    protected String newChannel(
            String publicModel,
            String upstreamModel,
            String upstreamKey,
            int priority,
            Map<String, String> extraHeaders) {
        ObjectNode ch = JSON.createObjectNode();
        ch.put("name", "sim " + publicModel + " " + UUID.randomUUID().toString().substring(0, 6));
        ch.put("protocol", "OPENAI");
        ch.put("baseUrl", sim.baseUrl());
        ch.put("credential", upstreamKey);
        ch.putArray("models").add(publicModel);
        if (!publicModel.equals(upstreamModel)) {
            ch.putObject("modelMapping").put(publicModel, upstreamModel);
        }
        ch.put("priority", priority);
        ch.put("weight", 1);
        ObjectNode headers = ch.putObject("extraHeaders");
        extraHeaders.forEach(headers::put);
        ObjectNode caps = ch.putObject("capabilities");
        caps.put("chat", true)
                .put("streaming", true)
                .put("tools", true)
                .put("vision", true)
                .put("embeddings", true)
                .put("responses", true);
        return admin("POST", "/channels", ch).get("id").asString();
    }

    /**
     * A channel on the simulator speaking {@code protocol} ({@code OPENAI} or {@code ANTHROPIC}), with every
     * capability on unless {@code capabilities} overrides it (e.g. {@code Map.of("tools", false, "toolEmulation",
     * true)}).
     */
    protected String newChannel(
            String publicModel,
            String upstreamModel,
            String upstreamKey,
            String protocol,
            Map<String, String> extraHeaders,
            Map<String, Boolean> capabilities) {
        return newChannel(publicModel, upstreamModel, upstreamKey, protocol, extraHeaders, capabilities, Map.of());
    }

    /** The same, with the channel's {@code dialect} (e.g. {@code Map.of("reasoning", "enable_thinking")}). */
    protected String newChannel(
            String publicModel,
            String upstreamModel,
            String upstreamKey,
            String protocol,
            Map<String, String> extraHeaders,
            Map<String, Boolean> capabilities,
            Map<String, String> dialect) {
        ObjectNode ch = JSON.createObjectNode();
        ch.put(
                "name",
                "sim " + protocol + " " + publicModel + " "
                        + UUID.randomUUID().toString().substring(0, 6));
        ch.put("protocol", protocol);
        ch.put("baseUrl", sim.baseUrl());
        ch.put("credential", upstreamKey);
        ch.putArray("models").add(publicModel);
        if (!publicModel.equals(upstreamModel)) {
            ch.putObject("modelMapping").put(publicModel, upstreamModel);
        }
        ObjectNode headers = ch.putObject("extraHeaders");
        extraHeaders.forEach(headers::put);
        ObjectNode caps = ch.putObject("capabilities");
        caps.put("chat", true)
                .put("streaming", true)
                .put("tools", true)
                .put("vision", true)
                .put("embeddings", true)
                .put("responses", "OPENAI".equals(protocol));
        capabilities.forEach(caps::put);
        if (!dialect.isEmpty()) {
            ObjectNode d = ch.putObject("dialect");
            dialect.forEach(d::put);
        }
        return admin("POST", "/channels", ch).get("id").asString();
    }

    /** Waits until the key sees the model (the local snapshot has the new config). */
    protected void awaitModelVisible(String key, String model) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/v1/models", key).body().contains("\"" + model + "\""));
    }

    protected static String uniqueModel() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ------------------------------------------------------------------ client calls

    protected HttpResponse<String> get(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(gateway() + path)).GET(), key, Map.of());
    }

    protected HttpResponse<String> post(String path, String key, String body) {
        return post(path, key, body, Map.of());
    }

    protected HttpResponse<String> post(String path, String key, String body, Map<String, String> headers) {
        return send(
                HttpRequest.newBuilder(URI.create(gateway() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                key,
                headers);
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String key, Map<String, String> headers) {
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        headers.forEach(b::header);
        try {
            return sendOnce(b.timeout(Duration.ofSeconds(30)).build());
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Sends a request; one that got no answer at all within its timeout is sent once more (on another connection, the
     * silent one being still held). About once per CI run a request on a reused keep-alive connection of the JDK
     * client has gone unanswered for 30 s (HTTP/1.1 and h2c alike; never reproduced by hand, root cause not
     * established); the retry is logged, so it stays visible, and a second silence still fails the test.
     */
    protected static HttpResponse<String> sendOnce(HttpRequest request) throws IOException, InterruptedException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException ex) {
            org.slf4j.LoggerFactory.getLogger(GatewayIntegrationSupport.class)
                    .warn(
                            "no answer to {} {} within its timeout; sending it once more",
                            request.method(),
                            request.uri());
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    protected static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    // ------------------------------------------------------------------ simulator recorder

    /** Requests the simulator received carrying {@code x-sim-scenario-id: scenario}. */
    protected List<JsonNode> simRequests(String scenario) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/_sim/requests?limit=1000"
                                    + (scenario.isEmpty() ? "" : "&scenario=" + scenario)))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode n = JSON.readTree(r.body());
            JsonNode list = n.isArray() ? n : n.path("requests");
            List<JsonNode> out = new ArrayList<>();
            list.forEach(out::add);
            return out;
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    protected static String scenario() {
        return "sc-" + UUID.randomUUID();
    }
}
