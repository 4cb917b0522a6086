package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /capabilities} and {@code /v1/capabilities}: per public model the calling key may use, what the edge can
 * serve — aggregated over the channels configured for it.
 */
class CapabilitiesIntegrationTests extends EdgeApiTestSupport {

    @Test
    void requiresAClientKey() {
        for (String path : List.of("/capabilities", "/v1/capabilities")) {
            assertOpenAiError(get(path, null), 401, "invalid_request_error", "invalid_api_key");
            assertOpenAiError(get(path, ADMIN_TOKEN), 401, "invalid_request_error", "invalid_api_key");
            assertAnthropicError(
                    raw("GET", path, null, Map.of("anthropic-version", ANTHROPIC_VERSION, "x-api-key", "rk-nope-nope")),
                    401,
                    "authentication_error");
        }
    }

    @Test
    void describesPerModelWhatTheKeysChannelsCanServe() {
        String nativeModel = uniqueModel();
        String emulated = uniqueModel();
        String bare = uniqueModel();
        String mixed = uniqueModel();
        String anthropicEmulation = uniqueModel();
        String embeddingsOnly = uniqueModel();
        String hidden = uniqueModel();
        newChannel(nativeModel, "sim-gpt-4o", "sk-cap-1", "OPENAI", Map.of(), Map.of("responses", true));
        newChannel(
                emulated,
                "sim-gpt-4o",
                "sk-cap-2",
                "OPENAI",
                Map.of(),
                Map.of(
                        "tools",
                        false,
                        "toolEmulation",
                        true,
                        "vision",
                        false,
                        "imageFallback",
                        true,
                        "embeddings",
                        false,
                        "responses",
                        false));
        newChannel(
                bare,
                "sim-claude-sonnet",
                "sk-cap-3",
                "ANTHROPIC",
                Map.of(),
                Map.of("tools", false, "vision", false, "streaming", false));
        newChannel(
                mixed,
                "sim-gpt-4o",
                "sk-cap-4",
                "OPENAI",
                Map.of(),
                Map.of("tools", false, "vision", false, "embeddings", false));
        newChannel(mixed, "sim-claude-sonnet", "sk-cap-5", "ANTHROPIC", Map.of(), Map.of());
        newChannel(
                anthropicEmulation,
                "sim-claude-sonnet",
                "sk-cap-6",
                "ANTHROPIC",
                Map.of(),
                Map.of("tools", false, "toolEmulation", true));
        newChannel(
                embeddingsOnly,
                "sim-embed",
                "sk-cap-7",
                "OPENAI",
                Map.of(),
                Map.of("chat", false, "streaming", false, "tools", false, "vision", false, "responses", false));
        newChannel(hidden, "sim-gpt-4o", "sk-cap-8", "OPENAI", Map.of(), Map.of());
        List<String> allowed = List.of(nativeModel, emulated, bare, mixed, anthropicEmulation, embeddingsOnly);
        String key = newClientKey(allowed, null);
        String everything = newClientKey();
        allowed.forEach(m -> awaitModelVisible(key, m));
        awaitModelVisible(everything, hidden);

        HttpResponse<String> r = get("/capabilities", key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(get("/v1/capabilities", key).body()).isEqualTo(r.body());
        JsonNode root = json(r.body());
        assertThat(root.get("object").asString()).isEqualTo("list");
        Map<String, JsonNode> byId = new HashMap<>();
        root.get("data").forEach(m -> byId.put(m.get("id").asString(), m));
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(allowed);
        assertThat(r.body()).doesNotContain(hidden).doesNotContain("sk-cap-");
        assertThat(get("/capabilities", everything).body()).contains(hidden);

        JsonNode n = byId.get(nativeModel);
        assertThat(n.get("object").asString()).isEqualTo("model.capabilities");
        assertThat(n.get("chat").asBoolean()).isTrue();
        assertThat(n.get("streaming").asBoolean()).isTrue();
        assertThat(n.get("tools").asString()).isEqualTo("native");
        assertThat(n.get("vision").asString()).isEqualTo("native");
        assertThat(n.get("embeddings").asBoolean()).isTrue();
        assertThat(n.get("responses").asBoolean()).isTrue();
        assertThat(strings(n.get("protocols")))
                .containsExactlyInAnyOrder(
                        "openai.chat_completions",
                        "anthropic.messages",
                        "anthropic.count_tokens",
                        "openai.embeddings",
                        "openai.responses");
        assertThat(strings(n.get("upstream_protocols"))).containsExactly("openai");
        assertThat(n.get("channels").asInt()).isEqualTo(1);

        JsonNode e = byId.get(emulated);
        assertThat(e.get("tools").asString()).isEqualTo("emulated");
        assertThat(e.get("vision").asString()).isEqualTo("placeholder");
        assertThat(e.get("embeddings").asBoolean()).isFalse();
        assertThat(e.get("responses").asBoolean())
                .as("the Responses API is translated over any chat channel")
                .isTrue();
        assertThat(strings(e.get("protocols")))
                .containsExactlyInAnyOrder(
                        "openai.chat_completions", "anthropic.messages", "anthropic.count_tokens", "openai.responses");

        JsonNode b = byId.get(bare);
        assertThat(b.get("tools").asString()).isEqualTo("none");
        assertThat(b.get("vision").asString()).isEqualTo("none");
        assertThat(b.get("streaming").asBoolean()).isFalse();
        assertThat(b.get("embeddings").asBoolean())
                .as("embeddings need an OpenAI channel")
                .isFalse();
        assertThat(b.get("responses").asBoolean()).isTrue();
        assertThat(strings(b.get("upstream_protocols"))).containsExactly("anthropic");

        JsonNode x = byId.get(mixed);
        assertThat(x.get("tools").asString())
                .as("one channel calls tools natively")
                .isEqualTo("native");
        assertThat(x.get("vision").asString()).isEqualTo("native");
        assertThat(x.get("embeddings").asBoolean()).isFalse();
        assertThat(strings(x.get("upstream_protocols"))).containsExactlyInAnyOrder("openai", "anthropic");
        assertThat(x.get("channels").asInt()).isEqualTo(2);

        JsonNode ae = byId.get(anthropicEmulation);
        assertThat(ae.get("tools").asString())
                .as("tool emulation is done for OpenAI-protocol channels only")
                .isEqualTo("none");

        JsonNode eo = byId.get(embeddingsOnly);
        assertThat(eo.get("chat").asBoolean()).isFalse();
        assertThat(eo.get("embeddings").asBoolean()).isTrue();
        assertThat(strings(eo.get("protocols"))).containsExactly("openai.embeddings");
    }

    @Test
    void answersWhatTheEdgeThenReallyServes() {
        String bare = uniqueModel();
        String anthropicEmulation = uniqueModel();
        String scBare = scenario();
        String scAe = scenario();
        newChannel(
                bare,
                "sim-gpt-4o",
                "sk-cap-9",
                "OPENAI",
                Map.of("x-sim-scenario-id", scBare),
                Map.of("tools", false, "vision", false, "embeddings", false, "responses", false, "streaming", false));
        newChannel(
                anthropicEmulation,
                "sim-claude-sonnet",
                "sk-cap-10",
                "ANTHROPIC",
                Map.of("x-sim-scenario-id", scAe),
                Map.of("tools", false, "toolEmulation", true));
        String key = newClientKey();
        awaitModelVisible(key, bare);
        awaitModelVisible(key, anthropicEmulation);
        String tools =
                ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]";
        String image =
                "{\"model\":\"" + bare + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                        + "\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}]}]}";

        assertOpenAiError(
                post("/v1/chat/completions", key, chat(bare, false, "weather?").replace("]}", "]" + tools + "}")),
                400,
                "invalid_request_error",
                "unsupported_endpoint");
        assertOpenAiError(
                post("/v1/chat/completions", key, image), 400, "invalid_request_error", "unsupported_endpoint");
        assertOpenAiError(
                post("/v1/chat/completions", key, chat(bare, true, "hi")),
                400,
                "invalid_request_error",
                "unsupported_endpoint");
        assertOpenAiError(
                post("/v1/embeddings", key, "{\"model\":\"" + bare + "\",\"input\":\"x\"}"),
                400,
                "invalid_request_error",
                "unsupported_endpoint");
        assertOpenAiError(
                post("/v1/responses", key, "{\"model\":\"" + bare + "\",\"input\":\"x\",\"stream\":true}"),
                400,
                "invalid_request_error",
                "unsupported_endpoint");
        // the Anthropic channel's toolEmulation flag has no effect (capabilities say "none"): tools are refused
        assertOpenAiError(
                post(
                        "/v1/chat/completions",
                        key,
                        chat(anthropicEmulation, false, "weather?").replace("]}", "]" + tools + "}")),
                400,
                "invalid_request_error",
                "unsupported_endpoint");
        assertThat(simRequests(scBare)).isEmpty();
        assertThat(simRequests(scAe)).isEmpty();
        assertThat(post("/v1/chat/completions", key, chat(bare, false, "plain text works"))
                        .statusCode())
                .isEqualTo(200);
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }
}
