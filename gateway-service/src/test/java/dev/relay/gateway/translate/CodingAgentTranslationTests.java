package dev.relay.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Claude Code's real request structure (fixtures captured from the pinned version and redacted to structure by {@code
 * infra/agents/redact-fixture.py}) through the Messages-over-Chat translation, for every upstream dialect.
 */
class CodingAgentTranslationTests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Chat Completions parameters OpenAI accepts; a translated request must stay inside them plus its dialect's. */
    static final Set<String> OPENAI_PARAMS = Set.of(
            "model",
            "messages",
            "max_tokens",
            "max_completion_tokens",
            "stop",
            "temperature",
            "top_p",
            "stream",
            "stream_options",
            "user",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "reasoning_effort",
            "response_format");

    static ObjectNode fixture(String name) {
        try (InputStream in = CodingAgentTranslationTests.class.getResourceAsStream("/agents/" + name)) {
            assertThat(in).as(name).isNotNull();
            return (ObjectNode) JSON.readTree(in).get("body");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode translate(JsonNode body, UpstreamDialect dialect, DroppedFields dropped) {
        return JSON.readTree(AnthropicOverOpenAi.request(JSON.writeValueAsBytes(body), "up", dialect, dropped));
    }

    static List<String> roles(JsonNode chat) {
        List<String> roles = new ArrayList<>();
        chat.get("messages").values().forEach(m -> roles.add(m.get("role").stringValue()));
        return roles;
    }

    @Test
    void keepsClaudeCodesSystemMessageInPlaceAndNamesWhatItDrops() {
        DroppedFields dropped = new DroppedFields();
        JsonNode chat = translate(fixture("claude-code-2.1.332-turn2.json"), UpstreamDialect.DEFAULT, dropped);

        assertThat(roles(chat)).containsExactly("system", "user", "system", "assistant", "tool");
        assertThat(chat.at("/messages/2/content").stringValue()).isEqualTo("<9111 chars>");
        assertThat(chat.at("/messages/3/tool_calls/0/function/name").stringValue())
                .isEqualTo("Bash");
        assertThat(chat.at("/messages/4/tool_call_id").stringValue())
                .isEqualTo(chat.at("/messages/3/tool_calls/0/id").stringValue());
        assertThat(chat.propertyNames()).allMatch(OPENAI_PARAMS::contains);
        assertThat(chat.has("reasoning_effort")).isFalse();
        assertThat(dropped.names())
                .containsExactlyInAnyOrder(
                        "cache_control",
                        "context_management",
                        "output_config.effort",
                        "thinking",
                        "tools.defer_loading");
        assertThat(chat.toString()).doesNotContain("cache_control", "defer_loading", "clear_thinking");
        // every declared tool is sent, the deferred placeholder too
        assertThat(chat.get("tools"))
                .hasSize(fixture("claude-code-2.1.332-turn2.json").get("tools").size());
    }

    @Test
    void mergesSystemMessagesIntoTheLeadingOneWhereTheUpstreamWantsOnlyOneFirst() {
        UpstreamDialect leading = new UpstreamDialect(null, UpstreamDialect.SystemMessages.LEADING);
        JsonNode chat = translate(fixture("claude-code-2.1.332-turn2.json"), leading, new DroppedFields());

        assertThat(roles(chat)).containsExactly("system", "user", "assistant", "tool");
        String system = chat.at("/messages/0/content").stringValue();
        // the top-level system blocks first, then the in-conversation one, in order
        assertThat(system).endsWith("<9111 chars>");
        assertThat(system.indexOf("<74 chars>")).isLessThan(system.indexOf("<9111 chars>"));
    }

    @Test
    void mapsAdaptiveThinkingAndEffortToEachReasoningControl() {
        ObjectNode body = fixture("claude-code-2.1.332-turn1.json"); // adaptive thinking, effort high

        DroppedFields d1 = new DroppedFields();
        JsonNode openAi = translate(body, dialect(UpstreamDialect.Reasoning.REASONING_EFFORT), d1);
        assertThat(openAi.get("reasoning_effort").stringValue()).isEqualTo("high");
        assertThat(d1.names()).doesNotContain("thinking", "output_config.effort");

        DroppedFields d2 = new DroppedFields();
        JsonNode qwen = translate(body, dialect(UpstreamDialect.Reasoning.ENABLE_THINKING), d2);
        assertThat(qwen.get("enable_thinking").booleanValue()).isTrue();
        assertThat(qwen.has("thinking_budget")).isFalse();
        assertThat(d2.names()).contains("output_config.effort").doesNotContain("thinking");

        JsonNode glm = translate(body, dialect(UpstreamDialect.Reasoning.THINKING_TYPE), new DroppedFields());
        assertThat(glm.get("thinking").toString()).isEqualTo("{\"type\":\"enabled\"}");

        JsonNode openRouter = translate(body, dialect(UpstreamDialect.Reasoning.REASONING_OBJECT), new DroppedFields());
        assertThat(openRouter.get("reasoning").toString()).isEqualTo("{\"effort\":\"high\"}");

        JsonNode vllm = translate(body, dialect(UpstreamDialect.Reasoning.CHAT_TEMPLATE_KWARGS), new DroppedFields());
        assertThat(vllm.get("chat_template_kwargs").toString()).isEqualTo("{\"enable_thinking\":true}");
    }

    @Test
    void mapsAThinkingBudgetToAnEffortOrABudgetAndCannotSwitchReasoningModelsOff() {
        ObjectNode body = fixture("claude-code-2.1.332-turn1.json");
        body.remove("output_config");
        body.putObject("thinking").put("type", "enabled").put("budget_tokens", 2_000);
        assertThat(translate(body, dialect(UpstreamDialect.Reasoning.REASONING_EFFORT), new DroppedFields())
                        .get("reasoning_effort")
                        .stringValue())
                .isEqualTo("low");
        assertThat(translate(body, dialect(UpstreamDialect.Reasoning.ENABLE_THINKING), new DroppedFields())
                        .get("thinking_budget")
                        .intValue())
                .isEqualTo(2_000);
        assertThat(translate(body, dialect(UpstreamDialect.Reasoning.REASONING_OBJECT), new DroppedFields())
                        .get("reasoning")
                        .toString())
                .isEqualTo("{\"max_tokens\":2000}");
        body.putObject("thinking").put("type", "enabled").put("budget_tokens", 31_999);
        assertThat(translate(body, dialect(UpstreamDialect.Reasoning.REASONING_EFFORT), new DroppedFields())
                        .get("reasoning_effort")
                        .stringValue())
                .isEqualTo("high");

        body.putObject("thinking").put("type", "disabled");
        DroppedFields dropped = new DroppedFields();
        JsonNode off = translate(body, dialect(UpstreamDialect.Reasoning.REASONING_EFFORT), dropped);
        assertThat(off.has("reasoning_effort")).isFalse();
        assertThat(dropped.names()).contains("thinking");
        assertThat(translate(body, dialect(UpstreamDialect.Reasoning.ENABLE_THINKING), new DroppedFields())
                        .get("enable_thinking")
                        .booleanValue())
                .isFalse();
        assertThat(translate(body, dialect(UpstreamDialect.Reasoning.THINKING_TYPE), new DroppedFields())
                        .get("thinking")
                        .toString())
                .isEqualTo("{\"type\":\"disabled\"}");
    }

    @Test
    void carriesAStructuredOutputSchemaAsResponseFormat() {
        ObjectNode body = fixture("claude-code-2.1.332-turn1.json");
        body.putObject("output_config")
                .put("effort", "low")
                .putObject("format")
                .put("type", "json_schema")
                .putObject("schema")
                .put("type", "object");
        JsonNode chat = translate(body, UpstreamDialect.DEFAULT, new DroppedFields());
        assertThat(chat.get("response_format").toString())
                .isEqualTo("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"output\",\"strict\":true,"
                        + "\"schema\":{\"type\":\"object\"}}}");
    }

    @Test
    void rendersToolSearchReferencesAsTextAndDropsBlocksAChatUpstreamCannotTake() {
        ObjectNode body = fixture("claude-code-2.1.332-turn2.json");
        ObjectNode result = (ObjectNode) body.at("/messages/3/content/0");
        result.putArray("content")
                .add(JSON.createObjectNode().put("type", "tool_reference").put("tool_name", "WebFetch"));
        ((tools.jackson.databind.node.ArrayNode) body.at("/messages/2/content"))
                .add(JSON.createObjectNode().put("type", "server_tool_use").put("id", "srvtoolu_1"));
        DroppedFields dropped = new DroppedFields();
        JsonNode chat = translate(body, UpstreamDialect.DEFAULT, dropped);
        assertThat(chat.at("/messages/4/content").stringValue()).isEqualTo("Tool loaded: WebFetch");
        assertThat(dropped.names()).contains("content.server_tool_use");
    }

    @Test
    void givesThinkingBackAsReasoningContentWhereTheUpstreamWantsItAndUsesMaxCompletionTokensForOpenAiReasoning() {
        ObjectNode body = fixture("claude-code-2.1.332-turn2.json");
        ((tools.jackson.databind.node.ArrayNode) body.at("/messages/2/content"))
                .insert(
                        0,
                        JSON.createObjectNode()
                                .put("type", "thinking")
                                .put("thinking", "I should run it.")
                                .put("signature", "sig"));
        JsonNode deepSeek = translate(body, dialect(UpstreamDialect.Reasoning.THINKING_TYPE), new DroppedFields());
        assertThat(deepSeek.at("/messages/3/reasoning_content").stringValue()).isEqualTo("I should run it.");
        assertThat(deepSeek.has("max_tokens")).isTrue();

        JsonNode openAi = translate(body, dialect(UpstreamDialect.Reasoning.REASONING_EFFORT), new DroppedFields());
        assertThat(openAi.at("/messages/3").has("reasoning_content")).isFalse();
        assertThat(openAi.get("max_completion_tokens").longValue()).isEqualTo(32000);
        assertThat(openAi.has("max_tokens")).isFalse();
    }

    @Test
    void namesDroppedFieldsAsPlainSortedTokens() {
        DroppedFields d = new DroppedFields();
        d.add("thinking");
        d.add("context_management");
        d.add("thinking");
        d.add("bad\r\nx-injected: 1");
        assertThat(d.headerValue()).isEqualTo("badx-injected1, context_management, thinking");
    }

    private static UpstreamDialect dialect(UpstreamDialect.Reasoning r) {
        return new UpstreamDialect(r, null);
    }
}
