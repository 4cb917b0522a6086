package dev.relay.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** {@code ok-then-<failure>-after-<N>}: N requests succeed, later ones fail; counted per key (or scenario id). */
class OkThenFailTests extends SimulatorHttpSupport {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String MESSAGES =
            "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void theFirstRequestsOfAKeySucceedAndLaterOnesGetA429InOpenAiShape() {
        String key = "sk-sim-ok-then-429-after-2_run=" + scenarioId;

        assertThat(chatStatuses(key, 2)).containsExactly(200, 200);
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .valueEquals("retry-after", "1")
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("rate_limit_exceeded");
        assertThat(chatStatuses(key, 2)).containsExactly(429, 429);
    }

    @Test
    void theFailureIsInAnthropicsShapeOnMessagesAndListingsCount() {
        String key = "sk-sim-ok-then-529-after-1_run=" + scenarioId;
        client.get()
                .uri("/v1/models")
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .exchange()
                .expectStatus()
                .isOk();
        client.post()
                .uri("/v1/messages")
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(MESSAGES)
                .exchange()
                .expectStatus()
                .isEqualTo(529)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("error")
                .jsonPath("$.error.type")
                .isEqualTo("overloaded_error");
    }

    @Test
    void keysCountSeparatelySoTestsDoNotInterfere() {
        String first = "sk-sim-ok-then-500-after-1_run=a-" + scenarioId;
        String second = "sk-sim-ok-then-500-after-1_run=b-" + scenarioId;

        assertThat(chatStatuses(first, 2)).containsExactly(200, 500);
        assertThat(chatStatuses(second, 2)).containsExactly(200, 500);
    }

    @Test
    void theFailureMayBeQuotaWithRetryAfterOrANonStandardBody() {
        assertThat(chatStatuses("sk-sim-ok-then-quota-after-1_run=" + scenarioId, 2))
                .containsExactly(200, 429);
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-ok-then-429-9-after-0_run=" + scenarioId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .valueEquals("retry-after", "9");
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-ok-then-html-502-after-0_run=" + scenarioId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .exchange()
                .expectStatus()
                .isEqualTo(502)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_HTML);
    }

    @Test
    void theHeaderFormCountsPerScenarioIdAndResetStartsOver() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(openAi("/v1/chat/completions", CHAT)
                    .header("x-sim-behavior", "ok-then-503-after-1")
                    .exchange()
                    .expectBody(String.class)
                    .returnResult()
                    .getStatus()
                    .value());
        }
        assertThat(statuses).containsExactly(200, 503, 503);
        assertThat(recorded()).extracting(r -> r.path("status").intValue()).containsExactly(200, 503, 503);

        client.post().uri("/_sim/reset").exchange().expectStatus().isOk();
        openAi("/v1/chat/completions", CHAT)
                .header("x-sim-behavior", "ok-then-503-after-1")
                .exchange()
                .expectStatus()
                .isOk();
    }

    private List<Integer> chatStatuses(String key, int requests) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            statuses.add(client.post()
                    .uri("/v1/chat/completions")
                    .header("authorization", "Bearer " + key)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(CHAT)
                    .exchange()
                    .expectBody(String.class)
                    .returnResult()
                    .getStatus()
                    .value());
        }
        return statuses;
    }
}
