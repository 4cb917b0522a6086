package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The admin-only introspection endpoints through raw HTTP: {@code GET /internal/effective-config},
 * {@code GET /internal/debug/requests} and {@code /internal/debug/capture}, guarded by the admin token, with every
 * secret redacted. The ring keeps metadata only unless body capture is on for the request's key or globally; a test
 * that needs bodies turns capture on, and every capture is turned off after each test.
 */
class IntrospectionIntegrationTests extends EdgeApiTestSupport {

    /** 3,000 base64 characters of a fake PNG; a distinctive slice must never show in the debug ring. */
    private static final String BASE64 = "iVBORw0KGgo" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0123456789".repeat(66);

    private static final String BASE64_SLICE = BASE64.substring(1200, 1260);

    private static String requestId() {
        return "it-dbg-" + UUID.randomUUID();
    }

    private record Key(String id, String plain) {}

    private Key newKey() {
        String group = admin("POST", "/groups", Map.of("name", "it-" + UUID.randomUUID(), "models", List.of("*")))
                .get("id")
                .asString();
        JsonNode k = admin("POST", "/keys", Map.of("name", "it-key", "groupId", group));
        return new Key(k.get("id").asString(), k.get("key").asString());
    }

    /** {@code PUT /internal/debug/capture} with the admin token; the answer must be 200. */
    private JsonNode capture(String body) {
        HttpResponse<String> r = raw(
                "PUT",
                "/internal/debug/capture",
                body,
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Content-Type", "application/json"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body());
    }

    private JsonNode captureKey(String keyId) {
        return capture("{\"scope\":\"key\",\"keyId\":\"" + keyId + "\",\"minutes\":10}");
    }

    @AfterEach
    void turnCaptureOff() {
        assertThat(raw("DELETE", "/internal/debug/capture", null, Map.of("Authorization", "Bearer " + ADMIN_TOKEN))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void requiresTheAdminTokenAndRefusesClientKeys() {
        String key = newClientKey();
        for (String path : List.of(
                "/internal/effective-config",
                "/internal/debug/requests",
                "/internal/debug/requests?limit=1",
                "/internal/debug/capture")) {
            HttpResponse<String> none = raw("GET", path, null, Map.of());
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(json(none.body()).at("/error/type").asString()).isEqualTo("authentication_error");
            assertThat(raw("GET", path, null, Map.of("Authorization", "Bearer " + key))
                            .statusCode())
                    .as("a client key is not an admin token: %s", path)
                    .isEqualTo(401);
            assertThat(raw("GET", path, null, Map.of("x-api-key", key)).statusCode())
                    .isEqualTo(401);
            assertThat(raw("GET", path, null, Map.of("x-admin-token", key)).statusCode())
                    .isEqualTo(401);
            assertThat(raw("GET", path, null, Map.of("Authorization", "Bearer " + ADMIN_TOKEN + "x"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(internal(path).statusCode()).as(path).isEqualTo(200);
            assertThat(raw("GET", path, null, Map.of("x-admin-token", ADMIN_TOKEN))
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void showsTheEffectiveConfigWithEverySecretRedacted() {
        String model = uniqueModel();
        String credential = "sk-introspect-secret-" + UUID.randomUUID();
        String headerSecret = "hdr-secret-" + UUID.randomUUID();
        String channelId = newChannel(
                model,
                "sim-gpt-4o",
                credential,
                "OPENAI",
                Map.of("x-sim-scenario-id", "visible-" + model, "x-upstream-token", headerSecret),
                Map.of("tools", false, "toolEmulation", true));
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = internal("/internal/effective-config");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(r.body())
                .doesNotContain(credential)
                .doesNotContain(headerSecret)
                .doesNotContain(ADMIN_TOKEN)
                .doesNotContain(MASTER_KEY)
                .doesNotContain(key)
                .doesNotContain(key.substring(3, 15));
        JsonNode root = json(r.body());
        assertThat(root.get("configVersion").asLong()).isPositive();
        JsonNode channel = null;
        for (JsonNode ch : root.get("channels")) {
            assertThat(ch.get("credential").asString()).isEqualTo("[redacted]");
            if (ch.get("id").asString().equals(channelId)) {
                channel = ch;
            }
        }
        assertThat(channel).as("the new channel is listed").isNotNull();
        assertThat(channel.get("protocol").asString()).isEqualTo("OPENAI");
        assertThat(channel.get("models").get(0).asString()).isEqualTo(model);
        assertThat(channel.at("/modelMapping/" + model).asString()).isEqualTo("sim-gpt-4o");
        assertThat(channel.at("/extraHeaders/x-sim-scenario-id").asString()).isEqualTo("visible-" + model);
        assertThat(channel.at("/extraHeaders/x-upstream-token").asString()).isEqualTo("[redacted]");
        assertThat(channel.at("/capabilities/tools").asBoolean()).isFalse();
        assertThat(channel.at("/capabilities/toolEmulation").asBoolean()).isTrue();
        assertThat(channel.at("/health/available").asBoolean()).isTrue();
        for (JsonNode k : root.get("keys")) {
            assertThat(k.get("key").asString()).isEqualTo("[redacted]");
        }

        JsonNode settings = root.get("settings");
        assertThat(settings.get("relay.gateway.admin-token").asString()).isEqualTo("[redacted]");
        assertThat(settings.get("relay.gateway.master-key").asString()).isEqualTo("[redacted]");
        assertThat(settings.get("relay.gateway.proxy.max-body-bytes").asString())
                .isEqualTo("65536");
        assertThat(settings.get("relay.gateway.proxy.first-byte-timeout").asString())
                .isEqualTo("3s");
        assertThat(settings.get("spring.datasource.url").asString()).startsWith("jdbc:postgresql:");
        assertThat(settings.get("spring.datasource.password").asString()).isIn("[redacted]", "");
        assertThat(settings.has("spring.kafka.bootstrap-servers")).isTrue();
    }

    @Test
    void keepsRecentRequestsWithImagesToolArgumentsKeysAndAuthHeadersRedacted() {
        String model = uniqueModel();
        String credential = "sk-dbg-upstream-" + UUID.randomUUID();
        newChannel(model, "sim-gpt-4o", credential, "OPENAI", Map.of(), Map.of());
        Key k = newKey();
        String key = k.plain();
        awaitModelVisible(key, model);
        captureKey(k.id());
        String leakedInMessage = "sk-proj-" + UUID.randomUUID().toString().replace("-", "");
        String longArguments = "{\"query\":\"" + "lorem ipsum ".repeat(100) + "\"}";

        String openAiId = requestId();
        String chat = "{\"model\":\"" + model + "\",\"messages\":["
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"my key is " + leakedInMessage
                + ", what is in this picture?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,"
                + BASE64 + "\"}}]},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"search\",\"arguments\":" + JSON.writeValueAsString(longArguments) + "}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"found it\"},"
                + "{\"role\":\"user\",\"content\":\"thanks\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"search\",\"parameters\":{\"type\":\"object\"}}}]}";
        HttpResponse<String> r = post("/v1/chat/completions", key, chat, Map.of("x-request-id", openAiId));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        String anthropicId = requestId();
        String messages =
                "{\"model\":\"" + model + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":["
                        + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\""
                        + BASE64 + "\"}},{\"type\":\"text\",\"text\":\"key " + leakedInMessage + "\"}]},"
                        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"search\","
                        + "\"input\":" + longArguments + "}]},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"ok\"}]}],"
                        + "\"tools\":[{\"name\":\"search\",\"input_schema\":{\"type\":\"object\"}}]}";
        HttpResponse<String> a = post(
                "/v1/messages",
                null,
                messages,
                Map.of("x-api-key", key, "anthropic-version", ANTHROPIC_VERSION, "x-request-id", anthropicId));
        assertThat(a.statusCode()).as(a.body()).isEqualTo(200);

        awaitEntries(openAiId, anthropicId);
        HttpResponse<String> ring = internal("/internal/debug/requests?limit=50");
        assertThat(ring.statusCode()).isEqualTo(200);
        assertThat(ring.body())
                .doesNotContain(BASE64_SLICE)
                .doesNotContain(leakedInMessage)
                .doesNotContain(key)
                .doesNotContain(credential)
                .doesNotContain(ADMIN_TOKEN)
                .doesNotContain("lorem ipsum ".repeat(40));

        JsonNode o = entry(ring.body(), openAiId);
        assertThat(o.get("clientApi").asString()).isEqualTo("openai.chat");
        assertThat(o.get("method").asString()).isEqualTo("POST");
        assertThat(o.get("path").asString()).isEqualTo("/v1/chat/completions");
        assertThat(o.get("model").asString()).isEqualTo(model);
        assertThat(o.get("status").asInt()).isEqualTo(200);
        assertThat(o.get("stream").asBoolean()).isFalse();
        assertThat(o.get("channelId").asString()).isNotBlank();
        assertThat(o.get("clientKeyId").asString()).isNotBlank().isNotEqualTo(key);
        assertThat(header(o, "authorization")).isEqualTo("[redacted]");
        assertThat(o.get("requestBytes").asInt())
                .isEqualTo(chat.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        JsonNode req = o.get("requestBody");
        assertThat(req.at("/messages/0/content/0/text").asString())
                .contains("[redacted]")
                .contains("what is in this picture?");
        assertThat(req.at("/messages/0/content/1/image_url/url").asString())
                .startsWith("data:image/png;base64,[")
                .contains("redacted")
                .hasSizeLessThan(100);
        String args = req.at("/messages/1/tool_calls/0/function/arguments").asString();
        assertThat(args)
                .startsWith("{\"query\":\"lorem ipsum")
                .contains("truncated")
                .hasSizeLessThan(400);
        assertThat(req.at("/messages/1/tool_calls/0/function/name").asString()).isEqualTo("search");
        assertThat(o.at("/responseBody/object").asString()).isEqualTo("chat.completion");
        assertThat(o.at("/responseBody/model").asString()).isEqualTo(model);

        JsonNode m = entry(ring.body(), anthropicId);
        assertThat(m.get("clientApi").asString()).isEqualTo("anthropic.messages");
        assertThat(header(m, "x-api-key")).isEqualTo("[redacted]");
        JsonNode mreq = m.get("requestBody");
        assertThat(mreq.at("/messages/0/content/0/source/media_type").asString())
                .isEqualTo("image/png");
        assertThat(mreq.at("/messages/0/content/0/source/data").asString())
                .contains("redacted")
                .hasSizeLessThan(100);
        assertThat(mreq.at("/messages/0/content/1/text").asString()).isEqualTo("key [redacted]");
        assertThat(mreq.at("/messages/1/content/0/input").asString())
                .contains("truncated")
                .hasSizeLessThan(400);
        assertThat(m.at("/responseBody/type").asString()).isEqualTo("message");
    }

    @Test
    void honoursTheLimitNewestFirst() {
        String model = uniqueModel();
        newChannel(model, "sim-gpt-4o", "sk-dbg-limit", "OPENAI", Map.of(), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = requestId();
            ids.add(id);
            assertThat(post("/v1/chat/completions", key, chat(model, false, "n" + i), Map.of("x-request-id", id))
                            .statusCode())
                    .isEqualTo(200);
        }

        awaitEntries(ids.toArray(String[]::new));
        JsonNode two = json(internal("/internal/debug/requests?limit=2").body());
        assertThat(two.get("capacity").asInt()).isPositive();
        assertThat(two.get("data")).hasSize(2);
        assertThat(two.at("/data/0/requestId").asString()).isEqualTo(ids.get(2));
        assertThat(two.at("/data/1/requestId").asString()).isEqualTo(ids.get(1));
        JsonNode one = json(internal("/internal/debug/requests?limit=1").body());
        assertThat(one.get("data")).hasSize(1);
        JsonNode three = json(internal("/internal/debug/requests?limit=3").body());
        assertThat(three.get("data").findValuesAsString("requestId"))
                .containsExactly(ids.get(2), ids.get(1), ids.get(0));
        JsonNode many = json(internal("/internal/debug/requests?limit=100000").body());
        assertThat(many.get("data").size()).isBetween(3, many.get("capacity").asInt());
        assertThat(many.at("/data/0/requestId").asString()).isEqualTo(ids.get(2));
    }

    @Test
    void keepsRequestsTheEdgeRefusedItselfWithTheirReason() {
        String key = newClientKey();
        capture("{\"scope\":\"global\",\"minutes\":5}"); // a request with an unknown key has no key id
        String unknown = requestId();
        String badKey = requestId();
        assertThat(post(
                                "/v1/chat/completions",
                                key,
                                chat("no-such-model-" + UUID.randomUUID(), false, "hi"),
                                Map.of("x-request-id", unknown))
                        .statusCode())
                .isEqualTo(404);
        assertThat(raw(
                                "POST",
                                "/v1/messages",
                                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}",
                                Map.of(
                                        "x-api-key",
                                        "sk-not-a-key-" + UUID.randomUUID(),
                                        "x-request-id",
                                        badKey,
                                        "content-type",
                                        "application/json"))
                        .statusCode())
                .isEqualTo(401);

        awaitEntries(unknown, badKey);
        JsonNode entries =
                json(internal("/internal/debug/requests?limit=50").body()).get("data");
        JsonNode notFound = null;
        JsonNode unauthorized = null;
        for (JsonNode e : entries) {
            if (e.get("requestId").asString().equals(unknown)) {
                notFound = e;
            } else if (e.get("requestId").asString().equals(badKey)) {
                unauthorized = e;
            }
        }
        assertThat(notFound).isNotNull();
        assertThat(notFound.get("status").asInt()).isEqualTo(404);
        assertThat(notFound.get("outcome").asString()).isEqualTo("rejected:model_not_found");
        assertThat(notFound.get("clientKeyId").isNull()).isFalse();
        assertThat(notFound.at("/requestBody/messages/0/content").asString()).isEqualTo("hi");
        assertThat(notFound.at("/responseBody/error/code").asString()).isEqualTo("model_not_found");
        assertThat(unauthorized).isNotNull();
        assertThat(unauthorized.get("status").asInt()).isEqualTo(401);
        assertThat(unauthorized.get("clientApi").asString()).isEqualTo("anthropic");
        assertThat(unauthorized.at("/requestHeaders/x-api-key").asString()).isEqualTo("[redacted]");
        assertThat(unauthorized.at("/responseBody/error/type").asString()).isEqualTo("authentication_error");
    }

    @Test
    void capturesStreamedResponsesAndErrors() {
        String model = uniqueModel();
        String failing = uniqueModel();
        newChannel(model, "sim-gpt-4o", "sk-dbg-stream", "OPENAI", Map.of(), Map.of());
        newChannel(
                failing,
                "sim-claude-sonnet",
                "sk-dbg-stream-fail",
                "ANTHROPIC",
                Map.of("x-sim-behavior", "500"),
                Map.of());
        Key k = newKey();
        String key = k.plain();
        awaitModelVisible(key, model);
        awaitModelVisible(key, failing);
        captureKey(k.id());

        String chatId = requestId();
        HttpResponse<String> s =
                post("/v1/chat/completions", key, chat(model, true, "stream please"), Map.of("x-request-id", chatId));
        assertThat(s.statusCode()).isEqualTo(200);
        String messagesId = requestId();
        HttpResponse<String> m = post(
                "/v1/messages",
                null,
                messages(model, true, "stream please"),
                Map.of("x-api-key", key, "anthropic-version", ANTHROPIC_VERSION, "x-request-id", messagesId));
        assertThat(m.statusCode()).isEqualTo(200);
        String failId = requestId();
        HttpResponse<String> f = post(
                "/v1/messages", null, messages(failing, true, "hi"), Map.of("x-api-key", key, "x-request-id", failId));
        assertThat(f.statusCode()).isEqualTo(502);

        awaitEntries(chatId, messagesId, failId);
        String ring = internal("/internal/debug/requests?limit=10").body();

        JsonNode c = entry(ring, chatId);
        assertThat(c.get("stream").asBoolean()).isTrue();
        assertThat(c.get("status").asInt()).isEqualTo(200);
        assertThat(c.get("outcome").asString()).isEqualTo("ok");
        assertThat(c.get("responseBody").asString())
                .contains("data: {")
                .contains("chat.completion.chunk")
                .endsWith("data: [DONE]\n\n");
        assertThat(c.get("responseBytes").asInt())
                .isEqualTo(s.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);

        JsonNode a = entry(ring, messagesId);
        assertThat(a.get("stream").asBoolean()).isTrue();
        assertThat(a.get("responseBody").asString())
                .contains("event: message_start")
                .contains("event: message_stop");

        JsonNode e = entry(ring, failId);
        assertThat(e.get("status").asInt()).isEqualTo(502);
        assertThat(e.get("outcome").asString()).isEqualTo("failed");
        assertThat(e.at("/responseBody/type").asString()).isEqualTo("error");
        assertThat(e.at("/responseBody/error/type").asString()).isEqualTo("api_error");
        assertThat(e.get("channelsTried")).hasSize(1);
    }

    @Test
    void keepsMetadataOnlyUnlessCaptureIsOnForTheKey() {
        String model = uniqueModel();
        newChannel(model, "sim-gpt-4o", "sk-dbg-capture", "OPENAI", Map.of(), Map.of());
        Key captured = newKey();
        Key other = newKey();
        awaitModelVisible(captured.plain(), model);
        awaitModelVisible(other.plain(), model);

        String before = requestId();
        assertThat(post(
                                "/v1/chat/completions",
                                captured.plain(),
                                chat(model, false, "prompt before"),
                                Map.of("x-request-id", before))
                        .statusCode())
                .isEqualTo(200);
        String streamedBefore = requestId();
        assertThat(post(
                                "/v1/chat/completions",
                                captured.plain(),
                                chat(model, true, "prompt before"),
                                Map.of("x-request-id", streamedBefore))
                        .statusCode())
                .isEqualTo(200);
        awaitEntries(before, streamedBefore);

        JsonNode on = captureKey(captured.id());
        assertThat(on.get("scope").asString()).isEqualTo("key");
        assertThat(on.get("keyId").asString()).isEqualTo(captured.id());
        assertThat(on.get("replicaId").asString()).isNotBlank();
        JsonNode state = json(internal("/internal/debug/capture").body());
        assertThat(state.get("data")).hasSize(1);
        assertThat(state.at("/data/0/keyId").asString()).isEqualTo(captured.id());
        assertThat(java.time.Instant.parse(state.at("/data/0/until").asString()))
                .isAfter(java.time.Instant.now().plusSeconds(500));

        String during = requestId();
        String otherDuring = requestId();
        assertThat(post(
                                "/v1/chat/completions",
                                captured.plain(),
                                chat(model, false, "prompt during"),
                                Map.of("x-request-id", during))
                        .statusCode())
                .isEqualTo(200);
        assertThat(post(
                                "/v1/chat/completions",
                                other.plain(),
                                chat(model, false, "prompt other"),
                                Map.of("x-request-id", otherDuring))
                        .statusCode())
                .isEqualTo(200);
        awaitEntries(during, otherDuring);

        assertThat(raw(
                                "DELETE",
                                "/internal/debug/capture?keyId=" + captured.id(),
                                null,
                                Map.of("Authorization", "Bearer " + ADMIN_TOKEN))
                        .statusCode())
                .isEqualTo(200);
        assertThat(json(internal("/internal/debug/capture").body()).get("data")).isEmpty();
        String after = requestId();
        assertThat(post(
                                "/v1/chat/completions",
                                captured.plain(),
                                chat(model, false, "prompt after"),
                                Map.of("x-request-id", after))
                        .statusCode())
                .isEqualTo(200);
        awaitEntries(after);

        String ring = internal("/internal/debug/requests?limit=50").body();
        assertThat(ring)
                .doesNotContain("prompt before")
                .doesNotContain("prompt other")
                .doesNotContain("prompt after");
        for (String id : List.of(before, streamedBefore, otherDuring, after)) {
            JsonNode e = entry(ring, id);
            assertThat(e.get("requestBody").isNull()).as(id).isTrue();
            assertThat(e.get("responseBody").isNull()).as(id).isTrue();
            assertThat(e.get("requestBytes").asInt()).as(id).isPositive();
            assertThat(e.get("responseBytes").asInt()).as(id).isPositive();
            assertThat(e.get("status").asInt()).isEqualTo(200);
            assertThat(e.get("model").asString()).isEqualTo(model);
        }
        JsonNode d = entry(ring, during);
        assertThat(d.get("clientKeyId").asString()).isEqualTo(captured.id());
        assertThat(d.at("/requestBody/messages/0/content").asString()).isEqualTo("prompt during");
        assertThat(d.at("/responseBody/object").asString()).isEqualTo("chat.completion");
        assertThat(entry(ring, otherDuring).get("clientKeyId").asString()).isEqualTo(other.id());
    }

    @Test
    void refusesCapturesWithoutAnExpiryForUnknownKeysOrWithoutTheAdminToken() {
        Map<String, String> noToken = Map.of("Content-Type", "application/json");
        String global = "{\"scope\":\"global\",\"minutes\":5}";
        assertThat(raw("PUT", "/internal/debug/capture", global, noToken).statusCode())
                .isEqualTo(401);
        Key key = newKey();
        assertThat(raw(
                                "PUT",
                                "/internal/debug/capture",
                                global,
                                Map.of("Authorization", "Bearer " + key.plain(), "Content-Type", "application/json"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(raw("DELETE", "/internal/debug/capture", null, Map.of()).statusCode())
                .isEqualTo(401);
        Map<String, String> admin =
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Content-Type", "application/json");
        HttpResponse<String> noExpiry = raw("PUT", "/internal/debug/capture", "{\"scope\":\"global\"}", admin);
        assertThat(noExpiry.statusCode()).isEqualTo(400);
        assertThat(json(noExpiry.body()).at("/error/type").asString()).isEqualTo("invalid_request_error");
        assertThat(raw("PUT", "/internal/debug/capture", "{\"scope\":\"global\",\"minutes\":1441}", admin)
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> unknown = raw(
                "PUT", "/internal/debug/capture", "{\"scope\":\"key\",\"keyId\":\"no-such-key\",\"minutes\":5}", admin);
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(json(internal("/internal/debug/capture").body()).get("data")).isEmpty();
    }

    /** An entry is recorded when its response has completed, which may be just after the client has it. */
    private void awaitEntries(String... requestIds) {
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            String ring = internal("/internal/debug/requests?limit=50").body();
            for (String id : requestIds) {
                if (!ring.contains(id)) {
                    return false;
                }
            }
            return true;
        });
    }

    private static JsonNode entry(String ring, String requestId) {
        for (JsonNode e : json(ring).get("data")) {
            if (requestId.equals(e.get("requestId").asString())) {
                return e;
            }
        }
        throw new AssertionError("no debug entry " + requestId + " in " + ring);
    }

    private static String header(JsonNode entry, String name) {
        for (var h : entry.get("requestHeaders").properties()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue().asString();
            }
        }
        throw new AssertionError("no header " + name + " in " + entry.get("requestHeaders"));
    }
}
