package dev.relay.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Shared set-up of the HTTP tests: one simulator on a random port (one Spring context for all test classes), a
 * {@link WebTestClient} and a {@link WebClient} bound to it, and a fresh scenario id per test so tests never see each
 * other's recorded requests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class SimulatorHttpSupport {

    protected static final JsonMapper JSON = JsonMapper.shared();
    protected static final String OPENAI_KEY = "Bearer sk-test-openai";
    protected static final String ANTHROPIC_KEY = "sk-test-anthropic";

    @LocalServerPort
    protected int port;

    protected WebTestClient client;
    protected WebClient webClient;
    protected String scenarioId;

    @BeforeEach
    void bindClients() {
        String base = "http://localhost:" + port;
        client = WebTestClient.bindToServer()
                .baseUrl(base)
                .responseTimeout(Duration.ofSeconds(10))
                .build();
        webClient = WebClient.builder().baseUrl(base).build();
        scenarioId = UUID.randomUUID().toString();
    }

    protected String baseUrl() {
        return "http://localhost:" + port;
    }

    protected WebTestClient.RequestHeadersSpec<?> openAi(String path, String body) {
        return client.post()
                .uri(path)
                .header("authorization", OPENAI_KEY)
                .header("x-sim-scenario-id", scenarioId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body);
    }

    protected WebTestClient.RequestHeadersSpec<?> anthropic(String path, String body) {
        return client.post()
                .uri(path)
                .header("x-api-key", ANTHROPIC_KEY)
                .header("anthropic-version", "2023-06-01")
                .header("x-sim-scenario-id", scenarioId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body);
    }

    protected static String bodyOf(WebTestClient.ResponseSpec response) {
        String body = response.expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).isNotNull();
        return body;
    }

    protected static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    /** One server-sent event as it was on the wire. */
    protected record Sse(String event, String data) {
        public JsonNode json() {
            return JSON.readTree(data);
        }
    }

    /** Splits a raw {@code text/event-stream} body into events; asserts the wire framing as it goes. */
    protected static List<Sse> sse(String raw) {
        assertThat(raw).endsWith("\n\n");
        List<Sse> events = new ArrayList<>();
        for (String block : raw.split("\n\n")) {
            String event = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                } else {
                    throw new AssertionError("unexpected SSE line: " + line);
                }
            }
            events.add(new Sse(event, data));
        }
        return events;
    }

    /** The recorded requests of this test's scenario. */
    protected JsonNode recorded() {
        return json(bodyOf(client.get()
                .uri("/_sim/requests?scenario={id}", scenarioId)
                .exchange()
                .expectStatus()
                .isOk()));
    }
}
