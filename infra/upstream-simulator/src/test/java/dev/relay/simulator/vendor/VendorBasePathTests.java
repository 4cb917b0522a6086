package dev.relay.simulator.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The APIs under vendors' base paths, recorded with the path as received. */
class VendorBasePathTests extends SimulatorHttpSupport {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String MESSAGES =
            "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void qwenAndGlmBasePathsServeTheOpenAiApis() {
        openAi("/compatible-mode/v1/chat/completions", CHAT)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.object")
                .isEqualTo("chat.completion");
        openAi("/api/paas/v4/chat/completions", CHAT)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.object")
                .isEqualTo("chat.completion");
        openAi("/compatible-mode/v1/embeddings", "{\"model\":\"m\",\"input\":\"hi\"}")
                .exchange()
                .expectStatus()
                .isOk();
        openAi("/api/paas/v4/responses", "{\"model\":\"m\",\"input\":\"hi\"}")
                .exchange()
                .expectStatus()
                .isOk();
        client.get()
                .uri("/api/paas/v4/models")
                .header("authorization", OPENAI_KEY)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.object")
                .isEqualTo("list");
    }

    @Test
    void theAnthropicBasePathServesMessagesCountTokensAndTheListing() {
        anthropic("/anthropic/v1/messages", MESSAGES)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .exists("request-id")
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("message");
        anthropic("/anthropic/v1/messages/count_tokens", MESSAGES)
                .exchange()
                .expectStatus()
                .isOk();
        client.get()
                .uri("/anthropic/v1/models")
                .header("x-api-key", ANTHROPIC_KEY)
                .header("anthropic-version", "2023-06-01")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.has_more")
                .isEqualTo(false);
    }

    @Test
    void theRecorderKeepsThePathAsReceivedWithItsQuery() {
        openAi("/compatible-mode/v1/chat/completions", CHAT)
                .exchange()
                .expectStatus()
                .isOk();
        anthropic("/anthropic/v1/messages?beta=true", MESSAGES)
                .exchange()
                .expectStatus()
                .isOk();
        openAi("/v1/chat/completions", CHAT).exchange().expectStatus().isOk();

        JsonNode recorded = recorded();
        assertThat(recorded)
                .extracting(r -> r.path("path").stringValue())
                .containsExactly(
                        "/compatible-mode/v1/chat/completions", "/anthropic/v1/messages", "/v1/chat/completions");
        assertThat(recorded.get(1).path("query").stringValue()).isEqualTo("beta=true");
    }

    @Test
    void scenariosApplyUnderVendorBasePathsToo() {
        client.post()
                .uri("/compatible-mode/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-429")
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isEqualTo(429);
        client.post()
                .uri("/api/paas/v4/chat/completions")
                .header("authorization", "Bearer sk-bad")
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }

    @Test
    void anUnknownPathUnderABasePathIsA404NamingThePathAsReceived() {
        openAi("/compatible-mode/v1/nothing-here", CHAT)
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.message")
                .isEqualTo("Invalid URL (POST /compatible-mode/v1/nothing-here)");
        client.get()
                .uri("/compatible-mode/v2/models")
                .header("authorization", OPENAI_KEY)
                .exchange()
                .expectStatus()
                .isNotFound();
    }
}
