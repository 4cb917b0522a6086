package dev.relay.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Several segments in one key, as a probe of a vendor's upstream would meet them. */
class CombinedKeyTests extends SimulatorHttpSupport {

    private static final String MESSAGES = "{\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],";

    @Test
    void aNewQwenKeyIsListedWithItsModelsButMayNotGenerateYet() {
        String key = "sk-sim-openai-only_models=qwen-plus+qwen-max_warmup-403";

        client.get()
                .uri("/compatible-mode/v1/models")
                .header("authorization", "Bearer " + key)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data[*].id")
                .isEqualTo(List.of("qwen-plus", "qwen-max"));
        client.post()
                .uri("/compatible-mode/v1/chat/completions")
                .header("authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chat("qwen-plus"))
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("permission_error");
        client.post()
                .uri("/v1/messages")
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(MESSAGES + "\"model\":\"qwen-plus\"}")
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void aDeepSeekStyleAnthropicEndpointServesOnlyItsModelsOverMessages() {
        String key = "sk-sim-anthropic-only_models=deepseek-chat+deepseek-reasoner";

        client.post()
                .uri("/anthropic/v1/messages")
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(MESSAGES + "\"model\":\"deepseek-chat\"}")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.model")
                .isEqualTo("deepseek-chat");
        client.post()
                .uri("/anthropic/v1/messages")
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(MESSAGES + "\"model\":\"claude-sonnet-4-5\"}")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("not_found_error");
        client.post()
                .uri("/anthropic/v1/chat/completions")
                .header("authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chat("deepseek-chat"))
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void aModelListCombinesWithOkThenAndNoTools() {
        String key = "sk-sim-models=glm-4.5_no-tools_ok-then-429-after-2_run=" + scenarioId;
        String withTools = "{\"model\":\"glm-4.5\",\"tools\":[],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        int unlisted = status(key, chat("glm-4"));
        int toolsRefused = status(key, withTools);
        int third = status(key, chat("glm-4.5"));

        assertThat(List.of(unlisted, toolsRefused, third)).containsExactly(404, 400, 429);
    }

    private int status(String key, String body) {
        return client.post()
                .uri("/api/paas/v4/chat/completions")
                .header("authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectBody(String.class)
                .returnResult()
                .getStatus()
                .value();
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }
}
