package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Requests shaped like the ones coding agents really send (Claude Code's Messages requests: system blocks with
 * {@code cache_control}, tools with JSON-Schema dialect markers, extended thinking, metadata, beta headers, the
 * {@code ?beta=true} query), through both channel protocols: none of it may trip the edge.
 */
class CodingAgentRequestsIntegrationTests extends EdgeApiTestSupport {

    private static String claudeCodeRequest(String model, boolean stream) {
        return """
                {"model":"%s","max_tokens":32000,"stream":%s,"temperature":1,
                 "system":[{"type":"text","text":"You are Claude Code, Anthropic's official CLI for Claude.",
                            "cache_control":{"type":"ephemeral"}},
                           {"type":"text","text":"Working directory: /repo","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":[
                    {"type":"text","text":"<system-reminder>Be careful.</system-reminder>"},
                    {"type":"text","text":"What is the weather in Paris?","cache_control":{"type":"ephemeral"}}]}],
                 "tools":[{"name":"Bash","description":"Runs a shell command",
                           "input_schema":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                              "properties":{"command":{"type":"string"},"timeout":{"type":"number"}},
                              "required":["command"],"additionalProperties":false}},
                          {"name":"get_weather","description":"Weather for a city",
                           "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},
                           "cache_control":{"type":"ephemeral"}}],
                 "tool_choice":{"type":"auto"},
                 "metadata":{"user_id":"user_0123_account__session_4567"},
                 "thinking":{"type":"enabled","budget_tokens":31999}}
                """.formatted(model, stream);
    }

    private static final Map<String, String> CLAUDE_CODE_HEADERS = Map.of(
            "anthropic-beta",
                    "claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14",
            "x-app", "cli",
            "user-agent", "claude-cli/2.0.0 (external, cli)");

    @Test
    void servesAClaudeCodeRequestOnAnOpenAiChannelStreamedAndNot() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-agent-1", "OPENAI", Map.of("x-sim-scenario-id", sc), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> plain =
                raw("POST", "/v1/messages?beta=true", claudeCodeRequest(model, false), headers(key));
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        JsonNode message = json(plain.body());
        assertThat(message.path("stop_reason").asString()).isEqualTo("tool_use");
        assertThat(message.at("/content/0/type").asString()).isEqualTo("tool_use");

        HttpResponse<String> streamed =
                raw("POST", "/v1/messages?beta=true", claudeCodeRequest(model, true), headers(key));
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        List<String> events = sseEvents(streamed.body());
        assertThat(events).startsWith("message_start", "ping").endsWith("message_delta", "message_stop");
        assertThat(events).contains("content_block_start", "content_block_delta", "content_block_stop");

        JsonNode upstream = simBodies(sc).getFirst();
        assertThat(upstream.path("messages").get(0).path("role").asString()).isEqualTo("system");
        assertThat(upstream.path("messages").get(0).path("content").asString())
                .contains("You are Claude Code")
                .contains("Working directory: /repo");
        assertThat(upstream.path("tools")).hasSize(2);
        assertThat(upstream.path("user").asString()).isEqualTo("user_0123_account__session_4567");
        assertThat(upstream.has("thinking"))
                .as("no place for it on a Chat upstream")
                .isFalse();
        assertThat(upstream.toString()).doesNotContain("cache_control");
    }

    @Test
    void passesAClaudeCodeRequestThroughToAnAnthropicChannelWithItsBetaHeader() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-claude-sonnet", "sk-agent-2", "ANTHROPIC", Map.of("x-sim-scenario-id", sc), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> streamed =
                raw("POST", "/v1/messages?beta=true", claudeCodeRequest(model, true), headers(key));
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        assertThat(sseEvents(streamed.body())).endsWith("message_stop");

        JsonNode recorded = simRequests(sc).getFirst();
        JsonNode upstream = json(recorded.get("body").asString());
        assertThat(upstream.path("model").asString()).isEqualTo("sim-claude-sonnet");
        assertThat(upstream.path("thinking").path("budget_tokens").asInt()).isEqualTo(31999);
        assertThat(upstream.at("/system/0/cache_control/type").asString()).isEqualTo("ephemeral");
        assertThat(recorded.toString()).contains("claude-code-20250219").doesNotContain(key);

        HttpResponse<String> count = raw(
                "POST",
                "/v1/messages/count_tokens?beta=true",
                claudeCodeRequest(model, false).replace("\"max_tokens\":32000,", ""),
                headers(key));
        assertThat(count.statusCode()).as(count.body()).isEqualTo(200);
        assertThat(json(count.body()).get("input_tokens").asInt()).isPositive();
    }

    /** Claude Code's captured second turn (structure only), as {@code infra/agents/redact-fixture.py} keeps it. */
    private static String claudeCodeFixture(String model) {
        try (java.io.InputStream in = CodingAgentRequestsIntegrationTests.class.getResourceAsStream(
                "/agents/claude-code-2.1.332-turn2.json")) {
            tools.jackson.databind.node.ObjectNode body =
                    (tools.jackson.databind.node.ObjectNode) JSON.readTree(in).get("body");
            body.put("model", model);
            return body.toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void translatesTodaysClaudeCodeForAStrictOpenAiUpstreamAndNamesWhatItDropped() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-agent-3", "OPENAI", Map.of("x-sim-scenario-id", sc), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = raw("POST", "/v1/messages?beta=true", claudeCodeFixture(model), headers(key));
        // the simulator refuses, as OpenAI does, any parameter or role a translation gap would leak
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(sseEvents(r.body())).endsWith("message_stop");
        assertThat(r.headers().firstValue("x-relay-dropped-fields").orElse(""))
                .isEqualTo("cache_control, context_management, output_config.effort, thinking, tools.defer_loading");
        JsonNode upstream = simBodies(sc).getFirst();
        List<String> roles = new java.util.ArrayList<>();
        upstream.get("messages").values().forEach(m -> roles.add(m.get("role").asString()));
        assertThat(roles).containsExactly("system", "user", "system", "assistant", "tool");
    }

    @Test
    void passesUnknownFieldsThroughUntouchedWhenNothingIsTranslated() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-claude-sonnet", "sk-agent-4", "ANTHROPIC", Map.of("x-sim-scenario-id", sc), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = raw("POST", "/v1/messages?beta=true", claudeCodeFixture(model), headers(key));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-relay-dropped-fields")).isEmpty();
        JsonNode upstream = simBodies(sc).getFirst();
        assertThat(upstream.path("context_management").isObject()).isTrue();
        assertThat(upstream.at("/output_config/effort").asString()).isEqualTo("high");
        assertThat(upstream.at("/messages/1/role").asString()).isEqualTo("system");
    }

    @Test
    void dropsAServerToolAChatUpstreamCannotRunButRefusesToForceIt() {
        String model = uniqueModel();
        newChannel(model, "sim-gpt-4o", "sk-agent-5", "OPENAI", Map.of(), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);
        String body = """
                {"model":"%s","max_tokens":64,"messages":[{"role":"user","content":"news?"}],
                 "tools":[{"type":"web_search_20250305","name":"web_search"}],
                 "tool_choice":{"type":"tool","name":"web_search"}}
                """.formatted(model);
        JsonNode e =
                assertAnthropicError(raw("POST", "/v1/messages", body, headers(key)), 400, "invalid_request_error");
        assertThat(e.get("message").asString()).contains("web_search");

        // not forced: dropped and named, and the request is served
        String unforced = body.replace("\"type\":\"tool\",\"name\":\"web_search\"", "\"type\":\"auto\"");
        HttpResponse<String> served = raw("POST", "/v1/messages", unforced, headers(key));
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(served.headers().firstValue("x-relay-dropped-fields")).hasValue("tools.web_search_20250305");
    }

    @Test
    void keepsAChannelsDialectAndRefusesAnUnknownOne() {
        String model = uniqueModel();
        String id = newChannel(model, "sim-gpt-4o", "sk-agent-6", "OPENAI", Map.of(), Map.of());
        JsonNode patched = admin("GET", "/channels/" + id, null);
        assertThat(patched.at("/dialect/reasoning").asString()).isEqualTo("none");
        assertThat(patched.at("/dialect/systemMessages").asString()).isEqualTo("inline");

        tools.jackson.databind.node.ObjectNode replace = (tools.jackson.databind.node.ObjectNode) patched;
        replace.putObject("dialect").put("reasoning", "thinking_type").put("systemMessages", "leading");
        JsonNode updated = admin("PUT", "/channels/" + id, replace);
        assertThat(updated.at("/dialect/reasoning").asString()).isEqualTo("thinking_type");
        assertThat(updated.at("/dialect/systemMessages").asString()).isEqualTo("leading");

        replace.putObject("dialect").put("reasoning", "telepathy");
        HttpResponse<String> bad = raw(
                "PUT",
                "/admin/v1/channels/" + id,
                replace.toString(),
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Content-Type", "application/json"));
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("dialect.reasoning");
    }

    private static Map<String, String> headers(String key) {
        Map<String, String> h = new java.util.HashMap<>(CLAUDE_CODE_HEADERS);
        h.put("x-api-key", key);
        h.put("anthropic-version", ANTHROPIC_VERSION);
        h.put("content-type", "application/json");
        return h;
    }
}
