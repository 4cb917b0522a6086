package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every error the edge answers, in the calling API's exact shape and status: OpenAI clients get
 * {@code {"error":{message,type,param,code}}}, Anthropic clients {@code {"type":"error","error":{type,message}}},
 * whichever upstream (or the edge itself) produced it, and no upstream credential ever shows.
 */
class ErrorShapesIntegrationTests extends EdgeApiTestSupport {

    private static final String ANTHROPIC_SERVER_TOOL =
            "{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":3}";

    @Test
    void answersAMissingOrInvalidKeyWith401InTheCallingApisShape() {
        String model = uniqueModel();
        String body = messages(model, false, "hi");

        assertOpenAiError(
                post("/v1/chat/completions", null, chat(model, false, "hi")),
                401,
                "invalid_request_error",
                "invalid_api_key");
        assertOpenAiError(
                post("/v1/chat/completions", "rk-not-a-real-key", chat(model, false, "hi")),
                401,
                "invalid_request_error",
                "invalid_api_key");
        assertOpenAiError(get("/v1/models", null), 401, "invalid_request_error", "invalid_api_key");
        assertOpenAiError(
                post("/v1/embeddings", "sk-whatever", "{\"model\":\"m\",\"input\":\"x\"}"),
                401,
                "invalid_request_error",
                "invalid_api_key");

        assertAnthropicError(anthropic("/v1/messages", null, body), 401, "authentication_error");
        assertAnthropicError(anthropic("/v1/messages", "rk-not-a-real-key", body), 401, "authentication_error");
        assertAnthropicError(anthropic("/v1/messages/count_tokens", "sk-ant-nope", body), 401, "authentication_error");
        assertAnthropicError(
                raw("GET", "/v1/models", null, Map.of("anthropic-version", ANTHROPIC_VERSION)),
                401,
                "authentication_error");
        // the same key sent through Authorization to the Anthropic API is still Anthropic-shaped
        assertAnthropicError(post("/v1/messages", "rk-not-a-real-key", body), 401, "authentication_error");
    }

    @Test
    void answersAnUnknownModelWith404AndAModelTheKeyMayNotUseWith403() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-up-err-404", "OPENAI", Map.of("x-sim-scenario-id", sc), Map.of());
        String key = newClientKey();
        String narrow = newClientKey(List.of("some-other-model"), null);
        awaitModelVisible(key, model);

        assertOpenAiError(
                post("/v1/chat/completions", key, chat("no-such-model-" + model, false, "hi")),
                404,
                "invalid_request_error",
                "model_not_found");
        assertOpenAiError(
                get("/v1/models/no-such-model-" + model, key), 404, "invalid_request_error", "model_not_found");
        assertOpenAiError(
                post("/v1/chat/completions", narrow, chat(model, false, "hi")),
                403,
                "invalid_request_error",
                "model_not_allowed");
        assertOpenAiError(post("/v1/no-such-endpoint", key, "{}"), 404, "invalid_request_error", "unknown_endpoint");

        assertAnthropicError(
                anthropic("/v1/messages", key, messages("no-such-model-" + model, false, "hi")),
                404,
                "not_found_error");
        assertAnthropicError(
                raw(
                        "GET",
                        "/v1/models/no-such-model",
                        null,
                        Map.of("x-api-key", key, "anthropic-version", ANTHROPIC_VERSION)),
                404,
                "not_found_error");
        assertAnthropicError(anthropic("/v1/messages", narrow, messages(model, false, "hi")), 403, "permission_error");
        assertAnthropicError(
                anthropic("/v1/messages/count_tokens", narrow, messages(model, false, "hi")), 403, "permission_error");

        assertThat(simRequests(sc)).isEmpty();
    }

    @Test
    void rejectsMalformedJsonAMissingMaxTokensAndAForcedServerToolWith400WithoutReachingAnUpstream() {
        String viaOpenAi = uniqueModel();
        String viaAnthropic = uniqueModel();
        String scOpenAi = scenario();
        String scAnthropic = scenario();
        newChannel(
                viaOpenAi, "sim-gpt-4o", "sk-up-err-400a", "OPENAI", Map.of("x-sim-scenario-id", scOpenAi), Map.of());
        newChannel(
                viaAnthropic,
                "sim-claude-sonnet",
                "sk-up-err-400b",
                "ANTHROPIC",
                Map.of("x-sim-scenario-id", scAnthropic),
                Map.of());
        String key = newClientKey();
        awaitModelVisible(key, viaOpenAi);
        awaitModelVisible(key, viaAnthropic);

        // malformed JSON, both APIs, both channel protocols
        for (String model : List.of(viaOpenAi, viaAnthropic)) {
            assertOpenAiError(
                    post("/v1/chat/completions", key, "{\"model\":\"" + model + "\",\"messages\":["),
                    400,
                    "invalid_request_error",
                    "invalid_request");
            assertAnthropicError(
                    anthropic("/v1/messages", key, "{\"model\":\"" + model + "\",\"max_tokens\":"),
                    400,
                    "invalid_request_error");
            assertAnthropicError(anthropic("/v1/messages", key, "[1,2]"), 400, "invalid_request_error");
            assertAnthropicError(anthropic("/v1/messages", key, ""), 400, "invalid_request_error");
        }
        assertOpenAiError(
                post("/v1/chat/completions", key, "{\"messages\":[]}"),
                400,
                "invalid_request_error",
                "invalid_request");

        // /v1/messages without max_tokens is invalid whatever protocol the channel speaks
        for (String model : List.of(viaOpenAi, viaAnthropic)) {
            String noMaxTokens = messages(model, false, "hi").replace("\"max_tokens\":64,", "");
            JsonNode e =
                    assertAnthropicError(anthropic("/v1/messages", key, noMaxTokens), 400, "invalid_request_error");
            assertThat(e.get("message").asString()).contains("max_tokens");
            JsonNode streamed = assertAnthropicError(
                    anthropic("/v1/messages", key, noMaxTokens.replace("\"stream\":false", "\"stream\":true")),
                    400,
                    "invalid_request_error");
            assertThat(streamed.get("message").asString()).contains("max_tokens");
        }

        // an Anthropic server tool cannot run on a Chat Completions channel: dropping it is the policy, but not when
        // the client forces its use (tool_choice), which would silently change what it explicitly required
        String serverTool = "{\"model\":\"" + viaOpenAi + "\",\"max_tokens\":64,\"tools\":[" + ANTHROPIC_SERVER_TOOL
                + "],\"tool_choice\":{\"type\":\"any\"},\"messages\":[{\"role\":\"user\",\"content\":\"search the web\"}]}";
        JsonNode e = assertAnthropicError(anthropic("/v1/messages", key, serverTool), 400, "invalid_request_error");
        assertThat(e.get("message").asString()).contains("web_search");

        assertThat(simRequests(scOpenAi)).isEmpty();
        assertThat(simRequests(scAnthropic)).isEmpty();
    }

    @Test
    void answersAnOversizeBodyWith413WhetherItsLengthIsDeclaredOrNot() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-up-err-413", "OPENAI", Map.of("x-sim-scenario-id", sc), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);
        String big = "x".repeat(70_000);

        assertOpenAiError(
                post("/v1/chat/completions", key, chat(model, false, big)),
                413,
                "invalid_request_error",
                "request_too_large");
        assertOpenAiError(
                postChunked("/v1/chat/completions", chat(model, false, big), Map.of("Authorization", "Bearer " + key)),
                413,
                "invalid_request_error",
                "request_too_large");
        assertAnthropicError(anthropic("/v1/messages", key, messages(model, false, big)), 413, "request_too_large");
        assertAnthropicError(
                postChunked(
                        "/v1/messages",
                        messages(model, true, big),
                        Map.of("x-api-key", key, "anthropic-version", ANTHROPIC_VERSION)),
                413,
                "request_too_large");

        assertThat(simRequests(sc)).isEmpty();
        assertThat(post("/v1/chat/completions", key, chat(model, false, "small again"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void keepsTheConnectionUsableAfterAnsweringBeforeReadingTheBody() throws Exception {
        String model = uniqueModel();
        newChannel(model, "sim-gpt-4o", "sk-up-err-conn", "OPENAI", Map.of(), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);
        byte[] big = chat(model, false, "x".repeat(70_000)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // one connection, reused: a body left unread would be taken for the next request, which then hung
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<HttpRequest> early = List.of(
                request("/v1/chat/completions", key, HttpRequest.BodyPublishers.ofByteArray(big)),
                request("/v1/chat/completions", null, HttpRequest.BodyPublishers.ofByteArray(big)),
                request("/v1/no-such-endpoint", key, HttpRequest.BodyPublishers.ofByteArray(big)),
                request("/v1/models", key, HttpRequest.BodyPublishers.ofByteArray(big)),
                // no declared length: read up to the limit, then answered and closed
                request(
                        "/v1/chat/completions",
                        key,
                        HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))));
        for (int i = 0; i < 5; i++) {
            for (HttpRequest r : early) {
                HttpResponse<String> answer = client.send(r, HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode())
                        .as(r.uri() + " " + answer.body())
                        .isIn(401, 404, 405, 413);
                HttpResponse<String> next = client.send(
                        HttpRequest.newBuilder(URI.create(gateway() + "/v1/embeddings"))
                                .timeout(Duration.ofSeconds(5))
                                .header("Authorization", "Bearer " + key)
                                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertOpenAiError(next, 405, "invalid_request_error", "method_not_allowed");
            }
        }
        HttpResponse<String> ok = client.send(
                request("/v1/chat/completions", key, HttpRequest.BodyPublishers.ofString(chat(model, false, "hi"))),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("connection")).isEmpty();
    }

    private HttpRequest request(String path, String key, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway() + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(body);
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b.build();
    }

    @Test
    void answersAWrongMethodWith405() {
        String key = newClientKey();
        Map<String, String> openAi = Map.of("Authorization", "Bearer " + key);
        Map<String, String> anthropic = Map.of("x-api-key", key, "anthropic-version", ANTHROPIC_VERSION);

        assertOpenAiError(
                raw("GET", "/v1/chat/completions", null, openAi), 405, "invalid_request_error", "method_not_allowed");
        assertOpenAiError(
                raw("PUT", "/v1/embeddings", "{}", openAi), 405, "invalid_request_error", "method_not_allowed");
        assertOpenAiError(raw("POST", "/v1/models", "{}", openAi), 405, "invalid_request_error", "method_not_allowed");
        assertOpenAiError(
                raw("DELETE", "/v1/capabilities", null, openAi), 405, "invalid_request_error", "method_not_allowed");
        assertAnthropicError(raw("GET", "/v1/messages", null, anthropic), 405, "invalid_request_error");
        assertAnthropicError(raw("DELETE", "/v1/messages/count_tokens", null, anthropic), 405, "invalid_request_error");
        assertAnthropicError(raw("POST", "/v1/models", "{}", anthropic), 405, "invalid_request_error");
    }

    @Test
    void answersTheKeysRateLimitWith429AndARetryAfterInTheCallingApisShape() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-up-err-429", "OPENAI", Map.of("x-sim-scenario-id", sc), Map.of());
        String key = newClientKey(List.of("*"), 2);
        awaitModelVisible(key, model);

        assertThat(post("/v1/chat/completions", key, chat(model, false, "one")).statusCode())
                .isEqualTo(200);
        assertThat(anthropic("/v1/messages", key, messages(model, false, "two")).statusCode())
                .isEqualTo(200);

        HttpResponse<String> openAi = post("/v1/chat/completions", key, chat(model, false, "three"));
        assertOpenAiError(openAi, 429, "rate_limit_error", "rate_limit_exceeded");
        HttpResponse<String> anthropic = anthropic("/v1/messages", key, messages(model, true, "four"));
        assertAnthropicError(anthropic, 429, "rate_limit_error");
        for (HttpResponse<String> r : List.of(openAi, anthropic)) {
            // 2 per minute: the bucket refills one request every 30 s
            assertThat(r.headers().firstValue("retry-after"))
                    .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(2, 30));
        }
        assertThat(simRequests(sc)).hasSize(2);
    }

    @Test
    void answersOne502InTheCallingApisShapeWhenEveryChannelFailsUpstream() {
        String viaOpenAi = uniqueModel();
        String viaAnthropic = uniqueModel();
        String sc = scenario();
        newChannel(
                viaOpenAi,
                "sim-gpt-4o",
                "sk-up-err-502-secret-a",
                "OPENAI",
                Map.of("x-sim-scenario-id", sc, "x-sim-behavior", "500"),
                Map.of());
        newChannel(
                viaOpenAi,
                "sim-gpt-4o",
                "sk-up-err-502-secret-b",
                "OPENAI",
                Map.of("x-sim-scenario-id", sc, "x-sim-behavior", "500"),
                Map.of());
        newChannel(
                viaAnthropic,
                "sim-claude-sonnet",
                "sk-up-err-502-secret-c",
                "ANTHROPIC",
                Map.of("x-sim-scenario-id", sc, "x-sim-behavior", "500"),
                Map.of());
        String key = newClientKey();
        awaitModelVisible(key, viaOpenAi);
        awaitModelVisible(key, viaAnthropic);

        List<HttpResponse<String>> all = new ArrayList<>();
        for (String model : List.of(viaOpenAi, viaAnthropic)) {
            for (boolean stream : List.of(false, true)) {
                HttpResponse<String> o = post("/v1/chat/completions", key, chat(model, stream, "hi"));
                assertOpenAiError(o, 502, "server_error", "upstream_error");
                HttpResponse<String> a = anthropic("/v1/messages", key, messages(model, stream, "hi"));
                assertAnthropicError(a, 502, "api_error");
                all.add(o);
                all.add(a);
            }
        }
        assertThat(simRequests(sc)).isNotEmpty();
        for (HttpResponse<String> r : all) {
            assertThat(r.body()).doesNotContain("sk-up-err-502-secret").doesNotContain(key);
        }
    }

    @Test
    void answersUpstreamRateLimitsAndTimeoutsInTheCallingApisShape() {
        String limited = uniqueModel();
        String limitedToo = uniqueModel();
        String slow = uniqueModel();
        newChannel(
                limited,
                "sim-gpt-4o",
                "sk-up-err-rl",
                "OPENAI",
                Map.of("x-sim-behavior", "429", "x-sim-retry-after", "7"),
                Map.of());
        newChannel(
                limitedToo,
                "sim-claude-sonnet",
                "sk-up-err-rl-2",
                "ANTHROPIC",
                Map.of("x-sim-behavior", "429", "x-sim-retry-after", "7"),
                Map.of());
        newChannel(
                slow, "sim-claude-sonnet", "sk-up-err-hang", "ANTHROPIC", Map.of("x-sim-behavior", "hang"), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, limited);
        awaitModelVisible(key, limitedToo);
        awaitModelVisible(key, slow);

        HttpResponse<String> o = post("/v1/chat/completions", key, chat(limited, false, "hi"));
        assertOpenAiError(o, 429, "rate_limit_error", "upstream_rate_limited");
        assertThat(o.headers().firstValue("retry-after")).isPresent();
        HttpResponse<String> a = anthropic("/v1/messages", key, messages(limitedToo, true, "hi"));
        assertAnthropicError(a, 429, "rate_limit_error");
        assertThat(a.headers().firstValue("retry-after")).hasValue("7");
        // while the only channel cools down: 503 with a retry hint, in the caller's shape
        HttpResponse<String> cooling = anthropic("/v1/messages", key, messages(limitedToo, false, "again"));
        assertAnthropicError(cooling, 503, "overloaded_error");
        assertThat(cooling.headers().firstValue("retry-after")).isPresent();

        assertOpenAiError(
                post("/v1/chat/completions", key, chat(slow, true, "hi")), 504, "server_error", "upstream_timeout");
    }

    @Test
    void endsAStreamThatBreaksAfterItsFirstByteWithAnErrorEventInTheCallingApisShape() {
        String viaOpenAi = uniqueModel();
        String viaAnthropic = uniqueModel();
        Map<String, String> drop = Map.of("x-sim-behavior", "drop-after", "x-sim-drop-after", "3");
        newChannel(viaOpenAi, "sim-gpt-4o", "sk-up-err-drop-o", "OPENAI", drop, Map.of());
        newChannel(viaAnthropic, "sim-claude-sonnet", "sk-up-err-drop-a", "ANTHROPIC", drop, Map.of());
        String key = newClientKey();
        awaitModelVisible(key, viaOpenAi);
        awaitModelVisible(key, viaAnthropic);

        for (String model : List.of(viaOpenAi, viaAnthropic)) {
            HttpResponse<String> o = post("/v1/chat/completions", key, chat(model, true, "hi"));
            assertThat(o.statusCode()).isEqualTo(200);
            assertThat(o.body()).doesNotContain("[DONE]").doesNotContain("event: error");
            JsonNode last = sseData(o.body()).getLast();
            assertThat(last.propertyNames()).as(o.body()).containsExactly("error");
            assertThat(last.at("/error/message").asString()).isNotBlank();
            assertThat(last.at("/error/type").asString()).isEqualTo("server_error");

            HttpResponse<String> a = anthropic("/v1/messages", key, messages(model, true, "hi"));
            assertThat(a.statusCode()).isEqualTo(200);
            List<String> events = sseEvents(a.body());
            assertThat(events).as(a.body()).endsWith("error").doesNotContain("message_stop");
            JsonNode err = sseData(a.body()).getLast();
            assertThat(err.get("type").asString()).isEqualTo("error");
            assertThat(err.at("/error/type").asString()).isIn("api_error", "overloaded_error");
            assertThat(err.at("/error/message").asString()).isNotBlank();
            assertThat(a.body()).doesNotContain("\"error\":{\"message\"").doesNotContain("sk-up-err-drop");
        }
    }

    @Test
    void reshapesAnUpstreamsClientErrorIntoTheCallingApisShape() {
        String anthropicUpstream = uniqueModel();
        String openAiUpstream = uniqueModel();
        String scA = scenario();
        String scO = scenario();
        newChannel(
                anthropicUpstream,
                "sim-claude-sonnet",
                "sk-up-err-shape-a",
                "ANTHROPIC",
                Map.of("x-sim-scenario-id", scA, "x-sim-behavior", "400"),
                Map.of());
        newChannel(
                openAiUpstream,
                "sim-gpt-4o",
                "sk-up-err-shape-o",
                "OPENAI",
                Map.of("x-sim-scenario-id", scO, "x-sim-behavior", "400"),
                Map.of());
        String key = newClientKey();
        awaitModelVisible(key, anthropicUpstream);
        awaitModelVisible(key, openAiUpstream);

        // Anthropic-shaped 400 → OpenAI client: OpenAI's shape, the upstream's message kept, no retry
        for (boolean stream : List.of(false, true)) {
            JsonNode e = assertOpenAiError(
                    post("/v1/chat/completions", key, chat(anthropicUpstream, stream, "hi")),
                    400,
                    "invalid_request_error",
                    null);
            assertThat(e.get("message").asString()).isEqualTo("Simulated HTTP 400 error.");
        }
        // OpenAI-shaped 400 → Anthropic client: Anthropic's shape
        for (boolean stream : List.of(false, true)) {
            JsonNode e = assertAnthropicError(
                    anthropic("/v1/messages", key, messages(openAiUpstream, stream, "hi")),
                    400,
                    "invalid_request_error");
            assertThat(e.get("message").asString()).isEqualTo("Simulated HTTP 400 error.");
        }
        // same protocol on both sides: the upstream's error as it was
        assertAnthropicError(
                anthropic("/v1/messages", key, messages(anthropicUpstream, false, "hi")), 400, "invalid_request_error");
        assertOpenAiError(
                post("/v1/chat/completions", key, chat(openAiUpstream, false, "hi")),
                400,
                "invalid_request_error",
                null);

        assertThat(simRequests(scA)).hasSize(3);
        assertThat(simRequests(scO)).hasSize(3);
    }

    @Test
    void neverShowsAnUpstreamCredentialInAnErrorBody() {
        String credential = "sk-relay-it-secret-" + uniqueModel().substring(3);
        String echoing = uniqueModel();
        String refused = uniqueModel();
        String anthropicEchoing = uniqueModel();
        // the upstream echoes the (mapped) model name in its 404; the mapping is the credential itself
        newChannel(echoing, credential, credential, "OPENAI", Map.of("x-sim-behavior", "models-only"), Map.of());
        newChannel(
                anthropicEchoing,
                credential,
                credential,
                "ANTHROPIC",
                Map.of("x-sim-behavior", "models-only"),
                Map.of());
        // the upstream refuses the credential
        newChannel(refused, "sim-gpt-4o", credential, "OPENAI", Map.of("x-sim-behavior", "401"), Map.of());
        newChannel(refused, "sim-claude-sonnet", credential, "ANTHROPIC", Map.of("x-sim-behavior", "401"), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, echoing);
        awaitModelVisible(key, refused);
        awaitModelVisible(key, anthropicEchoing);

        List<HttpResponse<String>> all = new ArrayList<>();
        for (String model : List.of(echoing, anthropicEchoing, refused)) {
            for (boolean stream : List.of(false, true)) {
                all.add(post("/v1/chat/completions", key, chat(model, stream, "hi")));
                all.add(anthropic("/v1/messages", key, messages(model, stream, "hi")));
            }
        }
        all.add(anthropic("/v1/messages/count_tokens", key, messages(anthropicEchoing, false, "hi")));
        all.add(post("/v1/embeddings", key, "{\"model\":\"" + echoing + "\",\"input\":\"x\"}"));
        all.add(post("/v1/responses", key, "{\"model\":\"" + echoing + "\",\"input\":\"x\"}"));

        for (HttpResponse<String> r : all) {
            assertThat(r.statusCode()).as(r.body()).isGreaterThanOrEqualTo(400);
            assertThat(r.body())
                    .as("an error body must not carry the upstream credential")
                    .doesNotContain(credential)
                    .doesNotContain(credential.substring(0, 12))
                    .doesNotContain(credential.substring(credential.length() - 8));
        }
        // the echoed model name did reach the client, redacted
        assertThat(all.getFirst().statusCode()).isEqualTo(404);
        assertThat(all.getFirst().body()).contains("[redacted]");
    }
}
