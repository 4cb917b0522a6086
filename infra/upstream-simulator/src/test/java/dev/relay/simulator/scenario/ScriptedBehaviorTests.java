package dev.relay.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.relay.simulator.SimulatorHttpSupport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

class ScriptedBehaviorTests extends SimulatorHttpSupport {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String CHAT_STREAM =
            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String MESSAGES =
            "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void invalidOrMissingKeysGet401InOpenAiShape() {
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-bad")
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("invalid_api_key")
                .jsonPath("$.error.type")
                .isEqualTo("invalid_request_error")
                .jsonPath("$.error.param")
                .isEmpty();
        client.post()
                .uri("/v1/chat/completions")
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isUnauthorized();
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer not-an-sk-key")
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isUnauthorized();
        openAi("/v1/chat/completions", CHAT)
                .header("x-sim-behavior", "401")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("invalid_api_key");
    }

    @Test
    void rateLimitByKeyOrHeaderCarriesRetryAfter() {
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-429")
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .valueEquals("retry-after", "1")
                .expectHeader()
                .valueEquals("x-ratelimit-reset-requests", "1s")
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("rate_limit_exceeded");
        openAi("/v1/chat/completions", CHAT)
                .header("x-sim-behavior", "429")
                .header("x-sim-retry-after", "7")
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .valueEquals("retry-after", "7")
                .expectHeader()
                .valueEquals("x-ratelimit-reset-requests", "7s");
        anthropic("/v1/messages", MESSAGES)
                .header("x-sim-behavior", "429")
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .exists("retry-after")
                .expectHeader()
                .exists("anthropic-ratelimit-requests-reset")
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("error")
                .jsonPath("$.error.type")
                .isEqualTo("rate_limit_error");
    }

    @Test
    void headerBehaviorWinsOverKeyBehavior() {
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-429")
                .header("x-sim-behavior", "none")
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void quotaGetsInsufficientQuotaBody() {
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-quota")
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .doesNotExist("retry-after")
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("insufficient_quota")
                .jsonPath("$.error.code")
                .isEqualTo("insufficient_quota")
                .jsonPath("$.error.message")
                .value(String.class, message -> assertThat(message).startsWith("You exceeded your current quota"));
        anthropic("/v1/messages", MESSAGES)
                .header("x-sim-behavior", "quota")
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("rate_limit_error")
                .jsonPath("$.error.message")
                .value(String.class, message -> assertThat(message).contains("credit balance"));
    }

    @Test
    void statusBehaviorsUseEachProvidersErrorShape() {
        openAi("/v1/chat/completions", CHAT)
                .header("x-sim-behavior", "500")
                .exchange()
                .expectStatus()
                .isEqualTo(500)
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("server_error");
        openAi("/v1/chat/completions", CHAT)
                .header("x-sim-behavior", "503")
                .exchange()
                .expectStatus()
                .isEqualTo(503);
        openAi("/v1/chat/completions", CHAT)
                .header("x-sim-behavior", "403")
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.message")
                .exists();
        anthropic("/v1/messages", MESSAGES)
                .header("x-sim-behavior", "403")
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("permission_error");
        anthropic("/v1/messages", MESSAGES)
                .header("x-sim-behavior", "529")
                .exchange()
                .expectStatus()
                .isEqualTo(529)
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("overloaded_error");
    }

    @Test
    void latencyDelaysTheResponseHeaders() {
        long start = System.nanoTime();
        client.get()
                .uri("/v1/models")
                .header("authorization", "Bearer sk-sim-latency-300")
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        start = System.nanoTime();
        openAi("/v1/chat/completions", CHAT)
                .header("x-sim-latency-ms", "200")
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void modelsOnlyListsModelsButCannotGenerate() {
        client.get()
                .uri("/v1/models")
                .header("authorization", "Bearer sk-sim-models-only")
                .exchange()
                .expectStatus()
                .isOk();
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-models-only")
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("model_not_found");
        anthropic("/v1/messages", MESSAGES)
                .header("x-sim-behavior", "models-only")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("not_found_error");
    }

    @Test
    void failFirstFailsTheFirstRequestsOfAScenarioThenSucceeds() {
        for (int i = 0; i < 2; i++) {
            openAi("/v1/chat/completions", CHAT)
                    .header("x-sim-fail-first", "2")
                    .header("x-sim-fail-status", "503")
                    .exchange()
                    .expectStatus()
                    .isEqualTo(503);
        }
        openAi("/v1/chat/completions", CHAT)
                .header("x-sim-fail-first", "2")
                .header("x-sim-fail-status", "503")
                .exchange()
                .expectStatus()
                .isOk();

        assertThat(recorded()).extracting(r -> r.path("status").intValue()).containsExactly(503, 503, 200);
    }

    @Test
    void failFirstByKeyWithRateLimitStatus() {
        scenarioId = scenarioId + "-key";
        client.post()
                .uri("/v1/messages")
                .header("x-api-key", "sk-sim-fail-first-1")
                .header("x-sim-scenario-id", scenarioId)
                .header("x-sim-fail-status", "429")
                .bodyValue(MESSAGES)
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .valueEquals("retry-after", "1");
        client.post()
                .uri("/v1/messages")
                .header("x-api-key", "sk-sim-fail-first-1")
                .header("x-sim-scenario-id", scenarioId)
                .header("x-sim-fail-status", "429")
                .bodyValue(MESSAGES)
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void dropAfterClosesTheConnectionMidStreamForWebClient() {
        Flux<String> events = webClient
                .post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-test")
                .header("x-sim-behavior", "drop-after")
                .header("x-sim-drop-after", "2")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {})
                .map(ServerSentEvent::data);

        StepVerifier.create(events)
                .expectNextCount(2)
                .expectErrorSatisfies(
                        error -> assertThat(causes(error)).hasAtLeastOneElementOfType(PrematureCloseException.class))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void dropAfterIsAPrematureCloseForTheJdkHttpClient() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/messages"))
                    .header("x-api-key", "sk-sim-drop-after-3")
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(MESSAGES.replace("{", "{\"stream\":true,")))
                    .build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);

            List<String> events = new ArrayList<>();
            assertThatThrownBy(() -> {
                        try (BufferedReader reader =
                                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                                if (line.startsWith("event: ")) {
                                    events.add(line.substring(7));
                                }
                            }
                        }
                    })
                    .isInstanceOf(IOException.class);
            // The JDK client reports the premature close as soon as it sees it and drops whatever it had received but
            // the reader had not consumed yet, so the reader sees a prefix of the three events sent before the drop
            // (the exact count is asserted with WebClient, which delivers every received byte before the error).
            List<String> sent = List.of("message_start", "content_block_start", "ping");
            assertThat(events).hasSizeLessThanOrEqualTo(sent.size());
            assertThat(events).isEqualTo(sent.subList(0, events.size()));
        }
    }

    @Test
    void nonStreamedDropTruncatesTheBody() {
        Mono<String> body = webClient
                .post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-drop-after")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .retrieve()
                .bodyToMono(String.class);

        StepVerifier.create(body)
                .expectErrorSatisfies(
                        error -> assertThat(causes(error)).hasAtLeastOneElementOfType(PrematureCloseException.class))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void streamErrorSendsAnInBandErrorEvent() {
        List<Sse> events = sse(bodyOf(anthropic("/v1/messages", MESSAGES.replace("{", "{\"stream\":true,"))
                .header("x-sim-behavior", "stream-error")
                .header("x-sim-drop-after", "1")
                .exchange()
                .expectStatus()
                .isOk()));

        assertThat(events).extracting(Sse::event).containsExactly("message_start", "error");
        assertThat(events.getLast().json().path("error").path("type").stringValue())
                .isEqualTo("overloaded_error");

        List<Sse> chat = sse(bodyOf(openAi("/v1/chat/completions", CHAT_STREAM)
                .header("x-sim-behavior", "stream-error")
                .exchange()));
        assertThat(chat).hasSize(3);
        assertThat(chat.getLast().json().path("error").path("type").stringValue())
                .isEqualTo("server_error");
    }

    @Test
    void hangNeverAnswersAndTheCancellationIsRecorded() {
        Mono<String> call = webClient
                .post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-hang")
                .header("x-sim-scenario-id", scenarioId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .retrieve()
                .bodyToMono(String.class);

        StepVerifier.create(call)
                .expectSubscription()
                .then(() -> await().atMost(Duration.ofSeconds(5))
                        .until(() -> recorded().size() == 1))
                .expectNoEvent(Duration.ofMillis(100))
                .thenCancel()
                .verify(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode request = recorded().get(0);
            assertThat(request.path("cancelled").booleanValue()).isTrue();
            assertThat(request.path("outcome").stringValue()).isEqualTo("cancelled");
            assertThat(request.path("status").intValue()).isZero();
        });
    }

    private static List<Throwable> causes(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
