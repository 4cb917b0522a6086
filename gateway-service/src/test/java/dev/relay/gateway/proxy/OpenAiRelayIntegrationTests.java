package dev.relay.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.gateway.GatewayIntegrationSupport;
import dev.relay.gateway.health.ChannelHealth;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The OpenAI-compatible edge end to end: gateway → upstream simulator, real PostgreSQL, Kafka and Debezium. */
@TestPropertySource(properties = "relay.gateway.proxy.max-body-bytes=65536")
class OpenAiRelayIntegrationTests extends GatewayIntegrationSupport {

    @Autowired
    ChannelHealth health;

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hello there\"}]}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}}],"
                + "\"temperature\":0.25,\"response_format\":{\"type\":\"text\"}}";
    }

    @Test
    void relaysNonStreamingChatWithModelMappingAndNeverForwardsTheClientKey() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-upstream-secret-1", 0, Map.of("x-sim-scenario-id", sc));
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = post("/v1/chat/completions", key, chat(model, false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r.body());
        assertThat(body.get("model").asString()).isEqualTo(model);
        assertThat(body.at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        List<JsonNode> upstream = simRequests(sc);
        assertThat(upstream).hasSize(1);
        String sent = upstream.getFirst().toString();
        JsonNode sentBody = json(upstream.getFirst().get("body").asString());
        assertThat(sentBody.get("model").asString()).isEqualTo("sim-gpt-4o");
        assertThat(sentBody.get("temperature").asDouble()).isEqualTo(0.25);
        assertThat(sentBody.at("/tools/0/function/name").asString()).isEqualTo("lookup");
        assertThat(sentBody.at("/messages/1/content/0/text").asString()).isEqualTo("hello there");
        assertThat(sent).contains("Bearer sk-upstream-secret-1").doesNotContain(key);
    }

    /**
     * Channels with their own connect timeout (the upstream client is built once per distinct timeout and reused):
     * two channels sharing one timeout and a third with another all relay, repeatedly.
     */
    @Test
    void relaysThroughChannelsWithTheirOwnConnectTimeouts() {
        String key = newClientKey();
        List<String> models = List.of(uniqueModel(), uniqueModel(), uniqueModel());
        int[] timeouts = {1500, 1500, 2500};
        for (int i = 0; i < models.size(); i++) {
            String id = newChannel(models.get(i), "sim-gpt-4o", "sk-upstream-timeout", 0, Map.of());
            JsonNode patched = admin("PATCH", "/channels/" + id, Map.of("connectTimeoutMs", timeouts[i]));
            assertThat(patched.get("connectTimeoutMs").asInt()).isEqualTo(timeouts[i]);
        }
        models.forEach(m -> awaitModelVisible(key, m));

        for (int round = 0; round < 2; round++) {
            for (String m : models) {
                HttpResponse<String> r = post("/v1/chat/completions", key, chat(m, false));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(json(r.body()).get("model").asString()).isEqualTo(m);
            }
        }
    }

    @Test
    void streamsChatAndStripsTheUsageChunkOnlyTheGatewayAskedFor() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-upstream-2", 0, Map.of("x-sim-scenario-id", sc));
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = post("/v1/chat/completions", key, chat(model, true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(r.body()).contains("\"model\":\"" + model + "\"").doesNotContain("\"model\":\"sim-gpt-4o\"");
        assertThat(r.body()).doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");
        JsonNode sent = json(simRequests(sc).getFirst().get("body").asString());
        assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();

        HttpResponse<String> withUsage = post(
                "/v1/chat/completions",
                key,
                chat(model, true)
                        .replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(withUsage.body()).contains("\"usage\":{").endsWith("data: [DONE]\n\n");
    }

    @Test
    void fallsBackAfterA429ToTheNextChannelWithOneClean200() {
        String model = uniqueModel();
        String primary = scenario();
        String secondary = scenario();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-upstream-3",
                10,
                Map.of("x-sim-scenario-id", primary, "x-sim-behavior", "429", "x-sim-retry-after", "30"));
        newChannel(model, "sim-gpt-4o", "sk-upstream-4", 0, Map.of("x-sim-scenario-id", secondary));
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = post("/v1/chat/completions", key, chat(model, false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(simRequests(primary)).hasSize(1);
        assertThat(simRequests(secondary)).hasSize(1);

        // the primary is cooling down (retry-after 30 s): the next request goes straight to the secondary
        assertThat(post("/v1/chat/completions", key, chat(model, true)).statusCode())
                .isEqualTo(200);
        assertThat(simRequests(primary)).hasSize(1);
        assertThat(simRequests(secondary)).hasSize(2);
    }

    @Test
    void answersOneOpenAiShapedErrorWhenEveryChannelFails() {
        String model = uniqueModel();
        String a = scenario();
        String b = scenario();
        newChannel(model, "sim-gpt-4o", "sk-upstream-5", 0, Map.of("x-sim-scenario-id", a, "x-sim-behavior", "500"));
        newChannel(model, "sim-gpt-4o", "sk-upstream-6", 0, Map.of("x-sim-scenario-id", b, "x-sim-behavior", "503"));
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = post("/v1/chat/completions", key, chat(model, true));

        assertThat(r.statusCode()).isEqualTo(502);
        JsonNode error = json(r.body()).get("error");
        assertThat(error.get("code").asString()).isEqualTo("upstream_error");
        assertThat(error.get("type").asString()).isEqualTo("server_error");
        assertThat(r.body()).doesNotContain("sk-upstream");
        assertThat(simRequests(a).size() + simRequests(b).size()).isEqualTo(2);
    }

    @Test
    void endsABrokenStreamWithAnExplicitErrorEventAfterExactlyOneUpstreamRequest() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-upstream-7",
                0,
                Map.of("x-sim-scenario-id", sc, "x-sim-behavior", "drop-after", "x-sim-drop-after", "2"));
        newChannel(model, "sim-gpt-4o", "sk-upstream-8", -1, Map.of("x-sim-scenario-id", sc + "-fallback"));
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = post("/v1/chat/completions", key, chat(model, true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("data: {\"error\":").doesNotContain("[DONE]");
        assertThat(simRequests(sc)).hasSize(1);
        assertThat(simRequests(sc + "-fallback")).isEmpty();
    }

    @Test
    void cancelsTheUpstreamRequestWhenTheClientGoesAway() throws Exception {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-upstream-9", 0, Map.of("x-sim-scenario-id", sc, "x-sim-behavior", "hang"));
        String key = newClientKey();
        awaitModelVisible(key, model);

        byte[] body = chat(model, true).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> simRequests(sc).size() == 1);
        }
        long closedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(1))
                .until(() -> simRequests(sc).getFirst().get("cancelled").asBoolean());
        assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void rejectsBadRequestsWithoutReachingAnUpstreamOrDisturbingLaterOnes() throws Exception {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-upstream-10", 0, Map.of("x-sim-scenario-id", sc));
        String key = newClientKey();
        String narrowKey = newClientKey(List.of("some-other-model"), null);
        awaitModelVisible(key, model);

        assertError(post("/v1/chat/completions", null, chat(model, false)), 401, "invalid_api_key");
        assertError(post("/v1/chat/completions", "rk-not-a-key", chat(model, false)), 401, "invalid_api_key");
        assertError(
                post("/v1/chat/completions", key, "{\"model\":\"" + model + "\",\"messages\":["),
                400,
                "invalid_request");
        assertError(post("/v1/chat/completions", key, "{\"messages\":[]}"), 400, "invalid_request");
        assertError(post("/v1/chat/completions", key, chat("no-such-model-x", false)), 404, "model_not_found");
        assertError(post("/v1/chat/completions", narrowKey, chat(model, false)), 403, "model_not_allowed");
        String huge = chat(model, false).replace("hello there", "x".repeat(70_000));
        assertError(post("/v1/chat/completions", key, huge), 413, "request_too_large");
        assertThat(get("/v1/models", narrowKey).body()).doesNotContain(model);
        assertThat(simRequests(sc)).isEmpty();

        assertThat(post("/v1/chat/completions", key, chat(model, false)).statusCode())
                .isEqualTo(200);
        assertThat(simRequests(sc)).hasSize(1);
    }

    @Test
    void honoursRetryAfterAndRecoversOnlyAfterASuccessfulTrial() {
        String model = uniqueModel();
        String primary = scenario();
        String secondary = scenario();
        String primaryId = newChannel(
                model,
                "sim-gpt-4o",
                "sk-upstream-11",
                10,
                Map.of(
                        "x-sim-scenario-id", primary,
                        "x-sim-behavior", "fail-first",
                        "x-sim-fail-first", "1",
                        "x-sim-fail-status", "429",
                        "x-sim-retry-after", "2"));
        newChannel(model, "sim-gpt-4o", "sk-upstream-12", 0, Map.of("x-sim-scenario-id", secondary));
        String key = newClientKey();
        awaitModelVisible(key, model);

        assertThat(post("/v1/chat/completions", key, chat(model, false)).statusCode())
                .isEqualTo(200);
        assertThat(health.cooldownUntil(primaryId)).isNotNull();
        assertThat(post("/v1/chat/completions", key, chat(model, false)).statusCode())
                .isEqualTo(200);
        assertThat(simRequests(primary)).hasSize(1);

        await().atMost(Duration.ofSeconds(4)).until(() -> health.available(primaryId));
        assertThat(post("/v1/chat/completions", key, chat(model, false)).statusCode())
                .isEqualTo(200);
        assertThat(simRequests(primary)).as("the trial went to the primary").hasSize(2);
        assertThat(post("/v1/chat/completions", key, chat(model, false)).statusCode())
                .isEqualTo(200);
        assertThat(simRequests(primary))
                .as("closed again after the successful trial")
                .hasSize(3);
        assertThat(simRequests(secondary)).hasSize(2);
    }

    @Test
    void listsOnlyTheModelsTheKeyMayUseInOpenAiShape() {
        String model = uniqueModel();
        newChannel(model, "sim-gpt-4o", "sk-upstream-13", 0, Map.of());
        String key = newClientKey(List.of(model), null);
        awaitModelVisible(key, model);

        JsonNode list = json(get("/v1/models", key).body());
        assertThat(list.get("object").asString()).isEqualTo("list");
        assertThat(list.get("data")).hasSize(1);
        assertThat(list.at("/data/0/id").asString()).isEqualTo(model);
        assertThat(json(get("/v1/models/" + model, key).body()).get("object").asString())
                .isEqualTo("model");
        assertError(get("/v1/models/other", key), 404, "model_not_found");
    }

    @Test
    void servesEmbeddingsAndResponsesStreamedAndNot() {
        String model = uniqueModel();
        newChannel(model, "sim-gpt-4o", "sk-upstream-14", 0, Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> emb = post("/v1/embeddings", key, "{\"model\":\"" + model + "\",\"input\":[\"a\",\"b\"]}");
        assertThat(emb.statusCode()).as(emb.body()).isEqualTo(200);
        assertThat(json(emb.body()).get("data")).hasSize(2);

        HttpResponse<String> resp = post("/v1/responses", key, "{\"model\":\"" + model + "\",\"input\":\"hi\"}");
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        assertThat(json(resp.body()).get("model").asString()).isEqualTo(model);

        HttpResponse<String> streamed =
                post("/v1/responses", key, "{\"model\":\"" + model + "\",\"input\":\"hi\",\"stream\":true}");
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body())
                .contains("response.completed")
                .doesNotContain("\"model\":\"sim-gpt-4o\"")
                .doesNotContain("data: {\"error\"");
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = json(r.body()).get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("code").asString()).isEqualTo(code);
        assertThat(e.get("message").asString()).isNotBlank();
    }
}
