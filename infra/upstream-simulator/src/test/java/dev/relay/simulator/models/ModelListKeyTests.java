package dev.relay.simulator.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A model list scripted by the key ({@code sk-sim-models=a+b}): listed, and the only models that generate. */
class ModelListKeyTests extends SimulatorHttpSupport {

    private static final String KEY = "sk-sim-models=deepseek-chat+deepseek-reasoner+text-embedding-3-small";

    @Test
    void theKeysModelsAreExactlyWhatBothListingsShow() {
        client.get()
                .uri("/v1/models")
                .header("authorization", "Bearer " + KEY)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.object")
                .isEqualTo("list")
                .jsonPath("$.data[*].id")
                .isEqualTo(List.of("deepseek-chat", "deepseek-reasoner", "text-embedding-3-small"));
        client.get()
                .uri("/v1/models")
                .header("x-api-key", KEY)
                .header("anthropic-version", "2023-06-01")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data[*].id")
                .isEqualTo(List.of("deepseek-chat", "deepseek-reasoner", "text-embedding-3-small"))
                .jsonPath("$.data[0].type")
                .isEqualTo("model")
                .jsonPath("$.first_id")
                .isEqualTo("deepseek-chat")
                .jsonPath("$.last_id")
                .isEqualTo("text-embedding-3-small");
        client.get()
                .uri("/v1/models/deepseek-reasoner")
                .header("authorization", "Bearer " + KEY)
                .exchange()
                .expectStatus()
                .isOk();
        client.get()
                .uri("/v1/models/sim-gpt-4o")
                .header("authorization", "Bearer " + KEY)
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void listedModelsGenerateOnEveryEndpoint() {
        openAiWithList("/v1/chat/completions", chat("deepseek-chat"))
                .exchange()
                .expectStatus()
                .isOk();
        openAiWithList("/v1/responses", "{\"model\":\"deepseek-reasoner\",\"input\":\"hi\"}")
                .exchange()
                .expectStatus()
                .isOk();
        openAiWithList("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}")
                .exchange()
                .expectStatus()
                .isOk();
        anthropicWithList("/v1/messages", messages("deepseek-chat"))
                .exchange()
                .expectStatus()
                .isOk();
        anthropicWithList("/v1/messages/count_tokens", messages("deepseek-chat"))
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void anUnlistedModelGetsTheOpenAiModelNotFoundBodyOnEveryOpenAiEndpoint() {
        String expected = "{\"error\":{\"message\":\"The model `gpt-4o` does not exist or you do not have access to"
                + " it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}";

        assertThat(bodyOf(openAiWithList("/v1/chat/completions", chat("gpt-4o"))
                        .exchange()
                        .expectStatus()
                        .isNotFound()))
                .isEqualTo(expected);
        assertThat(bodyOf(openAiWithList("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"hi\"}")
                        .exchange()
                        .expectStatus()
                        .isNotFound()))
                .isEqualTo(expected);
        assertThat(bodyOf(openAiWithList("/v1/embeddings", "{\"model\":\"gpt-4o\",\"input\":\"hi\"}")
                        .exchange()
                        .expectStatus()
                        .isNotFound()))
                .isEqualTo(expected);
    }

    @Test
    void anUnlistedModelGetsTheAnthropicNotFoundBodyOnMessagesAndCountTokens() {
        String expected = "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model:"
                + " claude-sonnet-4-5\"}}";

        assertThat(bodyOf(anthropicWithList("/v1/messages", messages("claude-sonnet-4-5"))
                        .exchange()
                        .expectStatus()
                        .isNotFound()))
                .isEqualTo(expected);
        assertThat(bodyOf(anthropicWithList("/v1/messages/count_tokens", messages("claude-sonnet-4-5"))
                        .exchange()
                        .expectStatus()
                        .isNotFound()))
                .isEqualTo(expected);
    }

    @Test
    void withoutAModelListAnyModelGeneratesAsBefore() {
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-ok")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chat("any-model-at-all"))
                .exchange()
                .expectStatus()
                .isOk();
        // x-sim-models only changes the listing, as before; x-sim-models-strict makes it the allowed list too
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", OPENAI_KEY)
                .header("x-sim-models", "a,b")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chat("c"))
                .exchange()
                .expectStatus()
                .isOk();
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", OPENAI_KEY)
                .header("x-sim-models", "a,b")
                .header("x-sim-models-strict", "true")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chat("c"))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("model_not_found");
    }

    /** An OpenAI request with the key's model list. */
    private WebTestClient.RequestHeadersSpec<?> openAiWithList(String path, String body) {
        return client.post()
                .uri(path)
                .header("authorization", "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body);
    }

    /** An Anthropic request with the key's model list. */
    private WebTestClient.RequestHeadersSpec<?> anthropicWithList(String path, String body) {
        return client.post()
                .uri(path)
                .header("x-api-key", KEY)
                .header("anthropic-version", "2023-06-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body);
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static String messages(String model) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }
}
