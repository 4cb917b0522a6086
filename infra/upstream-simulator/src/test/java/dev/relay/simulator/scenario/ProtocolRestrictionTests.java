package dev.relay.simulator.scenario;

import dev.relay.simulator.SimulatorHttpSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** {@code openai-only} / {@code anthropic-only} keys (and {@code x-sim-protocol}): a server of one protocol. */
class ProtocolRestrictionTests extends SimulatorHttpSupport {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String MESSAGES =
            "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void anOpenAiOnlyServerHasNoAnthropicRoutes() {
        String key = "sk-sim-openai-only";
        messagesWith(key, "/v1/messages")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.message")
                .isEqualTo("Invalid URL (POST /v1/messages)")
                .jsonPath("$.error.type")
                .isEqualTo("invalid_request_error");
        messagesWith(key, "/v1/messages/count_tokens").exchange().expectStatus().isNotFound();
        client.get()
                .uri("/v1/models")
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void anOpenAiOnlyServerServesTheOpenAiApis() {
        String key = "sk-sim-openai-only";
        chatWith(key, "/v1/chat/completions", CHAT).exchange().expectStatus().isOk();
        chatWith(key, "/v1/embeddings", "{\"model\":\"m\",\"input\":\"hi\"}")
                .exchange()
                .expectStatus()
                .isOk();
        chatWith(key, "/v1/responses", "{\"model\":\"m\",\"input\":\"hi\"}")
                .exchange()
                .expectStatus()
                .isOk();
        client.get()
                .uri("/v1/models")
                .header("authorization", "Bearer " + key)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.object")
                .isEqualTo("list");
        // x-api-key alone does not make it an Anthropic listing on a one-protocol server: OpenAI's shape
        client.get()
                .uri("/v1/models")
                .header("x-api-key", key)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.object")
                .isEqualTo("list");
    }

    @Test
    void anAnthropicOnlyServerHasNoOpenAiRoutes() {
        String key = "sk-sim-anthropic-only";
        chatWith(key, "/v1/chat/completions", CHAT)
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("error")
                .jsonPath("$.error.type")
                .isEqualTo("not_found_error");
        chatWith(key, "/v1/embeddings", "{\"model\":\"m\",\"input\":\"hi\"}")
                .exchange()
                .expectStatus()
                .isNotFound();
        chatWith(key, "/v1/responses", "{\"model\":\"m\",\"input\":\"hi\"}")
                .exchange()
                .expectStatus()
                .isNotFound();
        client.get()
                .uri("/v1/models")
                .header("authorization", "Bearer " + key)
                .exchange()
                .expectStatus()
                .isNotFound();
        client.get()
                .uri("/v1/models")
                .header("x-api-key", key)
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void anAnthropicOnlyServerServesMessagesAndTheAnthropicListing() {
        String key = "sk-sim-anthropic-only";
        messagesWith(key, "/v1/messages").exchange().expectStatus().isOk();
        messagesWith(key, "/v1/messages/count_tokens").exchange().expectStatus().isOk();
        client.get()
                .uri("/v1/models")
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.has_more")
                .isEqualTo(false);
    }

    @Test
    void theProtocolHeaderRestrictsLikeTheKey() {
        anthropic("/v1/messages", MESSAGES)
                .header("x-sim-protocol", "openai")
                .exchange()
                .expectStatus()
                .isNotFound();
        openAi("/v1/chat/completions", CHAT)
                .header("x-sim-protocol", "anthropic")
                .exchange()
                .expectStatus()
                .isNotFound();
        chatWith("sk-sim-anthropic-only", "/v1/chat/completions", CHAT)
                .header("x-sim-protocol", "any")
                .exchange()
                .expectStatus()
                .isOk();
    }

    private WebTestClient.RequestHeadersSpec<?> chatWith(String key, String path, String body) {
        return client.post()
                .uri(path)
                .header("authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body);
    }

    private WebTestClient.RequestHeadersSpec<?> messagesWith(String key, String path) {
        return client.post()
                .uri(path)
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(MESSAGES);
    }
}
