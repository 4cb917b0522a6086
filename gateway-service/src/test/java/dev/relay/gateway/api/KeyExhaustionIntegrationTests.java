package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A key usage accounting marked {@code EXHAUSTED} is refused by the edge itself, before any upstream call, with 429 and
 * {@code x-relay-error-code: key_exhausted} in the calling API's shape, until its reset time passes or it is restored.
 */
class KeyExhaustionIntegrationTests extends EdgeApiTestSupport {

    @Test
    void refusesAnExhaustedKeyWith429InTheCallingApisShapeWithoutReachingAnUpstream() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-up-exhaust", "OPENAI", Map.of("x-sim-scenario-id", sc), Map.of());
        Key key = newKey();
        awaitModelVisible(key.plain(), model);
        Instant until = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        exhaust(key, "monthly token budget used up", until);

        HttpResponse<String> chat = post("/v1/chat/completions", key.plain(), chat(model, false, "hi"));
        JsonNode openAi = assertOpenAiError(chat, 429, "insufficient_quota", "key_exhausted");
        assertThat(openAi.get("message").asString())
                .isEqualTo("This key is out of budget (monthly token budget used up); access returns at " + until);
        assertThat(openAi.get("param").isNull()).isTrue();
        HttpResponse<String> messages = anthropic("/v1/messages", key.plain(), messages(model, true, "hi"));
        assertThat(assertAnthropicError(messages, 429, "rate_limit_error")
                        .get("message")
                        .asString())
                .contains("monthly token budget");
        HttpResponse<String> count = anthropic("/v1/messages/count_tokens", key.plain(), messages(model, false, "hi"));
        assertAnthropicError(count, 429, "rate_limit_error");
        HttpResponse<String> models = get("/v1/models", key.plain());
        assertOpenAiError(models, 429, "insufficient_quota", "key_exhausted");
        for (HttpResponse<String> r : List.of(chat, messages, count, models)) {
            assertThat(r.headers().firstValue("x-relay-error-code")).hasValue("key_exhausted");
            assertThat(r.headers().firstValue("retry-after"))
                    .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(7_000L, 7_200L));
        }
        assertThat(simRequests(sc)).isEmpty();

        // kept in the debug ring like every refusal of the edge
        String requestId = "exh-" + UUID.randomUUID();
        post("/v1/chat/completions", key.plain(), chat(model, false, "hi"), Map.of("x-request-id", requestId));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode entry = null;
            for (JsonNode e :
                    json(internal("/internal/debug/requests?limit=50").body()).get("data")) {
                if (e.get("requestId").asString().equals(requestId)) {
                    entry = e;
                }
            }
            assertThat(entry).isNotNull();
            assertThat(entry.get("status").asInt()).isEqualTo(429);
            assertThat(entry.get("outcome").asString()).isEqualTo("rejected:key_exhausted");
        });

        admin("POST", "/keys/" + key.id() + "/restore", null);
        assertThat(post("/v1/chat/completions", key.plain(), chat(model, false, "hi"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void anExhaustedKeyWithoutAResetTimeWaitsForATopUpAndOneWhoseResetPassedWorksAtOnce() {
        String model = uniqueModel();
        newChannel(model, "sim-gpt-4o", "sk-up-exhaust-2", "OPENAI", Map.of(), Map.of());
        Key topUp = newKey();
        Key reset = newKey();
        awaitModelVisible(topUp.plain(), model);
        exhaust(topUp, "balance used up", null);
        exhaust(reset, "daily budget", Instant.now().minusSeconds(1));

        HttpResponse<String> refused = post("/v1/chat/completions", topUp.plain(), chat(model, false, "hi"));
        assertThat(assertOpenAiError(refused, 429, "insufficient_quota", "key_exhausted")
                        .get("message")
                        .asString())
                .isEqualTo("This key is out of budget (balance used up); access returns after a top-up");
        assertThat(refused.headers().firstValue("retry-after")).isEmpty();
        assertThat(post("/v1/chat/completions", reset.plain(), chat(model, false, "hi"))
                        .statusCode())
                .isEqualTo(200);
    }

    private record Key(String id, String plain) {}

    private Key newKey() {
        String group = admin("POST", "/groups", Map.of("name", "it-" + UUID.randomUUID(), "models", List.of("*")))
                .get("id")
                .asString();
        JsonNode k = admin("POST", "/keys", Map.of("name", "it-key", "groupId", group));
        return new Key(k.get("id").asString(), k.get("key").asString());
    }

    private void exhaust(Key key, String reason, Instant until) {
        ObjectNode body = JSON.createObjectNode();
        body.put("reason", reason);
        body.put("until", until == null ? null : until.toString());
        assertThat(admin("POST", "/keys/" + key.id() + "/exhaust", body)
                        .get("status")
                        .asString())
                .isEqualTo("EXHAUSTED");
    }
}
