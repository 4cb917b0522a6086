package dev.relay.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Error bodies in no provider's documented shape, the quota body, and the warm-up race of a new key. */
class NonStandardBodyTests extends SimulatorHttpSupport {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String MESSAGES =
            "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void errorStringAnswersAPlainStringErrorWith401() {
        String body = bodyOf(chat("sk-sim-error-string").expectStatus().isUnauthorized());

        assertThat(body).isEqualTo("{\"error\":\"Invalid API key\"}");
        assertThat(bodyOf(chat("sk-sim-error-string-403").expectStatus().isForbidden()))
                .isEqualTo("{\"error\":\"Forbidden\"}");
        assertThat(bodyOf(client.get()
                        .uri("/v1/models")
                        .header("authorization", "Bearer sk-sim-error-string")
                        .exchange()
                        .expectStatus()
                        .isUnauthorized()))
                .isEqualTo("{\"error\":\"Invalid API key\"}");
    }

    @Test
    void htmlAnswersACdnErrorPageOnEveryPath() {
        WebTestClient.ResponseSpec forbidden = chat("sk-sim-html")
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader()
                .valueEquals("server", "cloudflare");
        assertThat(bodyOf(forbidden))
                .startsWith("<html>")
                .contains("<title>403 Forbidden</title>")
                .contains("<center>cloudflare</center>");

        assertThat(bodyOf(client.get()
                        .uri("/v1/models")
                        .header("x-api-key", "sk-sim-html-502")
                        .header("anthropic-version", "2023-06-01")
                        .exchange()
                        .expectStatus()
                        .isEqualTo(502)
                        .expectHeader()
                        .contentTypeCompatibleWith(MediaType.TEXT_HTML)))
                .contains("<title>502 Bad Gateway</title>");
    }

    @Test
    void emptyAnswersA200WithoutBodyOnGenerationWhileModelsWork() {
        EntityExchangeResult<byte[]> result = chat("sk-sim-empty-200")
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentLength(0)
                .expectBody()
                .returnResult();
        assertThat(result.getResponseBody()).isNullOrEmpty();

        client.post()
                .uri("/v1/messages")
                .header("x-api-key", "sk-sim-empty")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(MESSAGES)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentLength(0);
        client.get()
                .uri("/v1/models")
                .header("authorization", "Bearer sk-sim-empty-200")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.object")
                .isEqualTo("list");
    }

    @Test
    void textAnswersA200WithAPlainTextBodyThatIsNotJson() {
        String body = bodyOf(chat("sk-sim-text-200")
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_PLAIN));

        assertThat(body).isEqualTo(NonStandardReply.TEXT_BODY);
        assertThat(body.trim()).doesNotStartWith("{");
    }

    @Test
    void quotaKeyGetsOpenAisInsufficientQuotaBody() {
        chat("sk-sim-quota")
                .expectStatus()
                .isEqualTo(429)
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("insufficient_quota")
                .jsonPath("$.error.code")
                .isEqualTo("insufficient_quota")
                .jsonPath("$.error.message")
                .value(String.class, message -> assertThat(message).startsWith("You exceeded your current quota"));
    }

    @Test
    void warmupListsModelsButRefusesGenerationWithAPermissionError() {
        client.get()
                .uri("/v1/models")
                .header("authorization", "Bearer sk-sim-warmup-403")
                .exchange()
                .expectStatus()
                .isOk();
        chat("sk-sim-warmup-403")
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("permission_error")
                .jsonPath("$.error.code")
                .isEqualTo("permission_denied");
        client.post()
                .uri("/v1/embeddings")
                .header("authorization", "Bearer sk-sim-warmup")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"m\",\"input\":\"hi\"}")
                .exchange()
                .expectStatus()
                .isForbidden();
        client.post()
                .uri("/v1/messages")
                .header("x-api-key", "sk-sim-warmup-403")
                .header("anthropic-version", "2023-06-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(MESSAGES)
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("error")
                .jsonPath("$.error.type")
                .isEqualTo("permission_error");
    }

    @Test
    void theBehaviourHeaderSelectsTheSameBodies() {
        openAi("/v1/chat/completions", CHAT)
                .header("x-sim-behavior", "error-string-401")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.error")
                .isEqualTo("Invalid API key");
        openAi("/v1/chat/completions", CHAT)
                .header("x-sim-behavior", "warmup-403")
                .exchange()
                .expectStatus()
                .isForbidden();
    }

    private WebTestClient.ResponseSpec chat(String key) {
        return client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .exchange();
    }
}
