package dev.relay.simulator.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.simulator.SimulatorHttpSupport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

class RecorderApiTests extends SimulatorHttpSupport {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void recordsRequestsWithHeadersCredentialsAndBody() {
        String requestId = openAi("/v1/chat/completions?trace=1", CHAT)
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("x-request-id");

        // the outcome is recorded when the response has finished, which may be just after the client has it
        JsonNode recorded = recorded();
        for (int i = 0;
                i < 100 && !"completed".equals(recorded.path(0).path("outcome").stringValue());
                i++) {
            sleep(20);
            recorded = recorded();
        }
        assertThat(recorded).hasSize(1);
        JsonNode request = recorded.get(0);
        assertThat(request.path("method").stringValue()).isEqualTo("POST");
        assertThat(request.path("path").stringValue()).isEqualTo("/v1/chat/completions");
        assertThat(request.path("query").stringValue()).isEqualTo("trace=1");
        assertThat(request.path("body").stringValue()).isEqualTo(CHAT);
        assertThat(request.path("headers").path("authorization").get(0).stringValue())
                .isEqualTo(OPENAI_KEY);
        assertThat(request.path("scenarioId").stringValue()).isEqualTo(scenarioId);
        assertThat(request.path("status").intValue()).isEqualTo(200);
        assertThat(request.path("outcome").stringValue()).isEqualTo("completed");
        assertThat(request.path("cancelled").booleanValue()).isFalse();
        assertThat(request.path("receivedAt").stringValue()).endsWith("Z");
        assertThat(requestId).isEqualTo("req_sim_" + request.path("sequence").longValue());
    }

    @Test
    void filtersByScenarioLimitsToTheNewestAndCounts() {
        String other = scenarioId + "-other";
        for (int i = 0; i < 3; i++) {
            openAi("/v1/chat/completions", CHAT.replace("hi", "hi " + i)).exchange();
        }
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", OPENAI_KEY)
                .header("x-sim-scenario-id", other)
                .bodyValue(CHAT)
                .exchange();

        JsonNode lastTwo = json(bodyOf(client.get()
                .uri("/_sim/requests?scenario={id}&limit=2", scenarioId)
                .exchange()));
        assertThat(lastTwo).hasSize(2);
        assertThat(lastTwo.get(0).path("body").stringValue()).contains("hi 1");
        assertThat(lastTwo.get(1).path("body").stringValue()).contains("hi 2");
        assertThat(lastTwo.get(0).path("sequence").longValue())
                .isLessThan(lastTwo.get(1).path("sequence").longValue());
        client.get()
                .uri("/_sim/requests/count?scenario={id}", scenarioId)
                .exchange()
                .expectBody()
                .jsonPath("$.count")
                .isEqualTo(3);
        client.get()
                .uri("/_sim/requests/count?scenario={id}", other)
                .exchange()
                .expectBody()
                .jsonPath("$.count")
                .isEqualTo(1);
    }

    @Test
    void deleteClearsTheRecorder() {
        openAi("/v1/chat/completions", CHAT).exchange().expectStatus().isOk();

        client.delete().uri("/_sim/requests").exchange().expectStatus().isOk();

        client.get()
                .uri("/_sim/requests/count")
                .exchange()
                .expectBody()
                .jsonPath("$.count")
                .isEqualTo(0);
        assertThat(recorded()).isEmpty();
    }

    @Test
    void aClientThatAbandonsAStreamIsRecordedAsCancelled() {
        Flux<ServerSentEvent<String>> events = webClient
                .post()
                .uri("/v1/chat/completions")
                .header("authorization", OPENAI_KEY)
                .header("x-sim-scenario-id", scenarioId)
                .header("x-sim-chunk-delay-ms", "200")
                .header("x-sim-chunks", "50")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT.replace("{", "{\"stream\":true,"))
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<>() {});

        StepVerifier.create(events).expectNextCount(1).thenCancel().verify(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode request = recorded().get(0);
            assertThat(request.path("outcome").stringValue()).isEqualTo("cancelled");
            assertThat(request.path("cancelled").booleanValue()).isTrue();
            assertThat(request.path("status").intValue()).isEqualTo(200);
        });
    }

    @Test
    void aSimulatedDropIsRecordedAsFailed() {
        Flux<String> events = webClient
                .post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-drop-after-1")
                .header("x-sim-scenario-id", scenarioId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT.replace("{", "{\"stream\":true,"))
                .retrieve()
                .bodyToFlux(String.class);

        StepVerifier.create(events).expectNextCount(1).expectError().verify(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(recorded().get(0).path("outcome").stringValue())
                                .isEqualTo("failed"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
