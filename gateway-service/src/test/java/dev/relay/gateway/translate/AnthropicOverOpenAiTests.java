package dev.relay.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.wire.BadRequestException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AnthropicOverOpenAiTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    // ---------------------------------------------------------------------------------------------------- request

    @Test
    void translatesASystemStringAndAMultiTurnConversation() {
        JsonNode out = request("""
                {"model":"claude-sonnet-4-5","max_tokens":1024,"system":"You are terse.",
                 "messages":[
                   {"role":"user","content":"Hi"},
                   {"role":"assistant","content":"Hello."},
                   {"role":"user","content":[{"type":"text","text":"What is 2+2?","cache_control":{"type":"ephemeral"}}]}
                 ],
                 "temperature":0.2,"top_p":0.9,"top_k":40,"service_tier":"auto"}
                """);

        assertThat(out.toString())
                .isEqualTo("{\"model\":\"up-model\",\"messages\":["
                        + "{\"role\":\"system\",\"content\":\"You are terse.\"},"
                        + "{\"role\":\"user\",\"content\":\"Hi\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Hello.\"},"
                        + "{\"role\":\"user\",\"content\":\"What is 2+2?\"}],"
                        + "\"max_tokens\":1024,\"temperature\":0.2,\"top_p\":0.9}");
    }

    @Test
    void joinsSystemTextBlocksAndIgnoresCacheControl() {
        JsonNode out = request("""
                {"model":"m","max_tokens":10,
                 "system":[{"type":"text","text":"You are Claude Code."},
                           {"type":"text","text":"Be careful.","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":"x"}]}
                """);
        assertThat(out.at("/messages/0").toString())
                .isEqualTo("{\"role\":\"system\",\"content\":\"You are Claude Code.\\n\\nBe careful.\"}");
    }

    @Test
    void translatesBase64AndUrlImagesIntoImageUrlParts() {
        JsonNode out = request("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
                  {"type":"text","text":"Compare these"},
                  {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                  {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}
                ]}]}
                """);
        assertThat(out.at("/messages/0/content").toString())
                .isEqualTo("[{\"type\":\"text\",\"text\":\"Compare these\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.jpg\"}}]");
    }

    @Test
    void replacesDocumentsWithAPlaceholderUnlessTheyArePlainText() {
        JsonNode out = request("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
                  {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0="}},
                  {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain notes"}},
                  {"type":"text","text":"Summarise"}
                ]}]}
                """);
        assertThat(out.at("/messages/0/content").toString())
                .isEqualTo("[{\"type\":\"text\",\"text\":\"[document]\"},{\"type\":\"text\",\"text\":\"plain notes\"},"
                        + "{\"type\":\"text\",\"text\":\"Summarise\"}]");
    }

    @Test
    void roundTripsToolUseAndParallelToolResults() {
        JsonNode out = request("""
                {"model":"m","max_tokens":100,"messages":[
                  {"role":"user","content":"Weather and time in Paris?"},
                  {"role":"assistant","content":[
                    {"type":"thinking","thinking":"Two tools.","signature":"sig"},
                    {"type":"redacted_thinking","data":"xyz"},
                    {"type":"text","text":"Let me check."},
                    {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
                    {"type":"tool_use","id":"toolu_2","name":"get_time","input":{}}
                  ]},
                  {"role":"user","content":[
                    {"type":"tool_result","tool_use_id":"toolu_1","content":"18°C"},
                    {"type":"tool_result","tool_use_id":"toolu_2","is_error":true,
                     "content":[{"type":"text","text":"clock"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}},{"type":"text","text":"broken"}]},
                    {"type":"text","text":"Thanks"}
                  ]},
                  {"role":"assistant","content":[
                    {"type":"tool_use","id":"toolu_3","name":"noop","input":{}}
                  ]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_3"}]}
                ]}
                """);
        JsonNode m = out.get("messages");
        assertThat(m.size()).isEqualTo(7);
        assertThat(m.get(1).toString())
                .isEqualTo(
                        "{\"role\":\"assistant\",\"content\":\"Let me check.\",\"tool_calls\":["
                                + "{\"id\":\"toolu_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},"
                                + "{\"id\":\"toolu_2\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]}");
        assertThat(m.get(2).toString())
                .isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"toolu_1\",\"content\":\"18°C\"}");
        assertThat(m.get(3).toString())
                .isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"toolu_2\","
                        + "\"content\":\"Error: clock\\n\\n[image]\\n\\nbroken\"}");
        assertThat(m.get(4).toString()).isEqualTo("{\"role\":\"user\",\"content\":\"Thanks\"}");
        assertThat(m.get(5).get("content").isNull()).isTrue();
        assertThat(m.get(5).at("/tool_calls/0/id").stringValue()).isEqualTo("toolu_3");
        assertThat(m.get(6).toString()).isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"toolu_3\",\"content\":\"\"}");
    }

    @Test
    void dropsThinkingOnlyAssistantTurnsAndTheThinkingParameter() {
        JsonNode out = request("""
                {"model":"m","max_tokens":2000,"thinking":{"type":"enabled","budget_tokens":1024},
                 "container":"c","mcp_servers":[],
                 "messages":[{"role":"user","content":"a"},
                             {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"}]},
                             {"role":"user","content":"b"}]}
                """);
        assertThat(out.has("thinking")).isFalse();
        assertThat(out.has("container")).isFalse();
        assertThat(out.has("mcp_servers")).isFalse();
        assertThat(out.get("messages").size()).isEqualTo(2);
    }

    @Test
    void translatesToolsAndToolChoiceVariants() {
        String tools = """
                "tools":[{"name":"get_weather","description":"Weather for a city",
                          "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},
                          "cache_control":{"type":"ephemeral"}},
                         {"type":"custom","name":"ping"}]
                """;
        JsonNode auto = request(body(tools + ",\"tool_choice\":{\"type\":\"auto\"}"));
        assertThat(auto.get("tools").toString())
                .isEqualTo(
                        "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather for a city\","
                                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}},"
                                + "{\"type\":\"function\",\"function\":{\"name\":\"ping\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]");
        assertThat(auto.get("tool_choice").stringValue()).isEqualTo("auto");
        assertThat(auto.has("parallel_tool_calls")).isFalse();

        assertThat(request(body(tools + ",\"tool_choice\":{\"type\":\"any\"}"))
                        .get("tool_choice")
                        .stringValue())
                .isEqualTo("required");
        assertThat(request(body(tools + ",\"tool_choice\":{\"type\":\"none\"}"))
                        .get("tool_choice")
                        .stringValue())
                .isEqualTo("none");
        JsonNode named = request(body(tools
                + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\",\"disable_parallel_tool_use\":true}"));
        assertThat(named.get("tool_choice").toString())
                .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}");
        assertThat(named.get("parallel_tool_calls").booleanValue()).isFalse();

        JsonNode noTools = request(body("\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"));
        assertThat(noTools.has("tools")).isFalse();
        assertThat(noTools.has("tool_choice")).isFalse();
        assertThat(noTools.has("parallel_tool_calls")).isFalse();
    }

    @Test
    void dropsAnthropicServerToolsAndNamesThemButRefusesToForceOne() {
        DroppedFields dropped = new DroppedFields();
        JsonNode out = request(
                body("\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":5},"
                        + "{\"name\":\"Bash\",\"input_schema\":{\"type\":\"object\"}}]"),
                UpstreamDialect.DEFAULT,
                dropped);
        assertThat(out.get("tools")).hasSize(1);
        assertThat(out.at("/tools/0/function/name").stringValue()).isEqualTo("Bash");
        assertThat(dropped.names()).containsExactly("tools.web_search_20250305");

        assertBadRequest(
                body("\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],"
                        + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"web_search\"}"),
                "tool_choice: the tool 'web_search' is an Anthropic server tool that this model's channel cannot run",
                "tool_choice");
        assertBadRequest(
                body("\"tools\":[{\"type\":\"bash_20250124\",\"name\":\"bash\"}],\"tool_choice\":{\"type\":\"any\"}"),
                "tool_choice: a tool call is required, but this model's channel cannot run any of the requested tools"
                        + " (bash)",
                "tool_choice");
    }

    @Test
    void translatesStopSequencesMetadataAndStreaming() {
        JsonNode out = request("""
                {"model":"m","max_tokens":5,"stop_sequences":["\\n\\nHuman:","END"],
                 "metadata":{"user_id":"user-42"},"stream":true,
                 "messages":[{"role":"user","content":"x"}]}
                """);
        assertThat(out.get("stop").toString()).isEqualTo("[\"\\n\\nHuman:\",\"END\"]");
        assertThat(out.get("user").stringValue()).isEqualTo("user-42");
        assertThat(out.get("stream").booleanValue()).isTrue();
        assertThat(out.get("stream_options").toString()).isEqualTo("{\"include_usage\":true}");
        assertThat(out.has("metadata")).isFalse();
        assertThat(out.has("stop_sequences")).isFalse();

        JsonNode notStreamed = request(body("\"stream\":false"));
        assertThat(notStreamed.get("stream").booleanValue()).isFalse();
        assertThat(notStreamed.has("stream_options")).isFalse();
    }

    @Test
    void dropsABlockTypeItDoesNotKnowAndKeepsTheTurn() {
        DroppedFields dropped = new DroppedFields();
        JsonNode out = request(
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}",
                UpstreamDialect.DEFAULT,
                dropped);
        assertThat(out.at("/messages/0/content").stringValue()).isEqualTo("[audio]");
        assertThat(dropped.names()).containsExactly("content.audio");
    }

    @Test
    void rejectsInvalidRequests() {
        assertBadRequest("[1,2]", "request body must be a JSON object", null);
        assertBadRequest("{not json", "request body is not valid JSON", null);
        assertBadRequest("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", null, "model");
        assertBadRequest(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "max_tokens: field required",
                "max_tokens");
        assertBadRequest(
                "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                null,
                "max_tokens");
        assertBadRequest(
                "{\"model\":\"m\",\"max_tokens\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                null,
                "max_tokens");
        assertBadRequest("{\"model\":\"m\",\"max_tokens\":5}", null, "messages");
        assertBadRequest("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}", null, "messages");
        assertBadRequest("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[\"hi\"]}", null, "messages.0");
        assertBadRequest(
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}",
                "messages.0.role: must be \"user\", \"assistant\" or \"system\"",
                "messages.0.role");
        assertBadRequest(
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}",
                null,
                "messages.0.content");
        assertBadRequest(
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_use\",\"id\":\"a\",\"name\":\"b\",\"input\":{}}]}]}",
                null,
                "messages.0.content.0.type");
        assertBadRequest(
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"file\",\"file_id\":\"f\"}}]}]}",
                null,
                "messages.0.content.0.source.type");
        assertBadRequest(
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\"}]}]}",
                null,
                "messages.0.content.0.tool_use_id");
        assertBadRequest(body("\"tool_choice\":{\"type\":\"sometimes\"}"), null, "tool_choice");
        assertBadRequest(body("\"temperature\":\"hot\""), null, "temperature");
        assertBadRequest(body("\"system\":[{\"type\":\"image\"}]"), null, "system.0.type");
    }

    @Test
    void acceptsAnEmptyFinalAssistantTurnAndDropsIt() {
        JsonNode out = request("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                + "{\"role\":\"assistant\",\"content\":[]}]}");
        assertThat(out.get("messages").size()).isEqualTo(1);
    }

    // --------------------------------------------------------------------------------------------------- response

    @Test
    void translatesATextCompletion() {
        Translated t = response("""
                {"id":"chatcmpl-AbC.123","object":"chat.completion","created":1730000000,"model":"gpt-4o-2024-08-06",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there.","refusal":null},
                             "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":25,"completion_tokens":4,"total_tokens":29}}
                """);
        assertThat(new String(t.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"msg_chatcmpl-AbC123\",\"type\":\"message\",\"role\":\"assistant\","
                        + "\"model\":\"claude-public\",\"content\":[{\"type\":\"text\",\"text\":\"Hello there.\"}],"
                        + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                        + "\"usage\":{\"input_tokens\":25,\"output_tokens\":4}}");
        assertThat(t.usage()).isEqualTo(new TokenUsage(25, 4, 0, 0, false));
    }

    @Test
    void translatesToolCallsIntoToolUseBlocks() {
        Translated t = response("""
                {"id":"chatcmpl-T","object":"chat.completion","model":"gpt-4o",
                 "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":[
                   {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                   {"type":"function","function":{"name":"get_time","arguments":""}},
                   {"id":"call_c","type":"function","function":{"name":"broken","arguments":"{\\"x\\": tru"}}
                 ]}}]}
                """);
        JsonNode body = JSON.readTree(t.body());
        assertThat(body.get("content").toString())
                .isEqualTo(
                        "[{\"type\":\"tool_use\",\"id\":\"call_a\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}},"
                                + "{\"type\":\"tool_use\",\"id\":\"toolu_chatcmpl-T_1\",\"name\":\"get_time\",\"input\":{}},"
                                + "{\"type\":\"tool_use\",\"id\":\"call_c\",\"name\":\"broken\",\"input\":{\"_raw\":\"{\\\"x\\\": tru\"}}]");
        assertThat(body.get("stop_reason").stringValue()).isEqualTo("tool_use");
        assertThat(t.usage()).isNull();
        assertThat(body.get("usage").toString()).isEqualTo("{\"input_tokens\":0,\"output_tokens\":0}");
    }

    @Test
    void putsReasoningContentFirstAsAThinkingBlock() {
        JsonNode body = JSON.readTree(response("""
                {"id":"r1","object":"chat.completion","model":"deepseek-reasoner",
                 "choices":[{"index":0,"finish_reason":"stop",
                             "message":{"role":"assistant","reasoning_content":"2+2 is 4.","content":"4"}}]}
                """).body());
        assertThat(body.get("content").toString())
                .isEqualTo(
                        "[{\"type\":\"thinking\",\"thinking\":\"2+2 is 4.\",\"signature\":\"\"},{\"type\":\"text\",\"text\":\"4\"}]");

        JsonNode vllm = JSON.readTree(response("""
                {"id":"r2","choices":[{"index":0,"finish_reason":"stop",
                  "message":{"role":"assistant","reasoning":"hmm","content":""}}]}
                """).body());
        assertThat(vllm.get("content").toString())
                .isEqualTo("[{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"\"}]");
    }

    @Test
    void subtractsCachedTokensFromInputTokens() {
        Translated t = response("""
                {"id":"c","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}],
                 "usage":{"prompt_tokens":1000,"completion_tokens":50,"total_tokens":1050,
                          "prompt_tokens_details":{"cached_tokens":768}}}
                """);
        assertThat(JSON.readTree(t.body()).get("usage").toString())
                .isEqualTo("{\"input_tokens\":232,\"output_tokens\":50,\"cache_read_input_tokens\":768}");
        assertThat(t.usage()).isEqualTo(new TokenUsage(1000, 50, 768, 0, false));
    }

    @Test
    void mapsFinishReasonsToStopReasons() {
        assertThat(stopReason("stop")).isEqualTo("end_turn");
        assertThat(stopReason("length")).isEqualTo("max_tokens");
        assertThat(stopReason("tool_calls")).isEqualTo("tool_use");
        assertThat(stopReason("function_call")).isEqualTo("tool_use");
        assertThat(stopReason("content_filter")).isEqualTo("refusal");
        assertThat(stopReason(null)).isEqualTo("end_turn");
        assertThat(stopReason("eos")).isEqualTo("end_turn");
    }

    @Test
    void emitsOneEmptyTextBlockWhenThereIsNoContent() {
        JsonNode body = JSON.readTree(response(
                        "{\"id\":\"e\",\"choices\":[{\"index\":0,\"finish_reason\":\"length\",\"message\":{\"role\":\"assistant\",\"content\":null}}]}")
                .body());
        assertThat(body.get("content").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"\"}]");
        assertThat(body.get("stop_reason").stringValue()).isEqualTo("max_tokens");
    }

    @Test
    void rejectsUpstreamBodiesThatAreNotChatCompletions() {
        for (String bad : new String[] {
            "not json",
            "[]",
            "{\"object\":\"chat.completion\"}",
            "{\"choices\":[]}",
            "{\"error\":{\"message\":\"quota\"}}"
        }) {
            assertThatThrownBy(() -> AnthropicOverOpenAi.response(bad.getBytes(StandardCharsets.UTF_8), "m"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private static String body(String extra) {
        return "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]," + extra + "}";
    }

    private static JsonNode request(String body) {
        return JSON.readTree(AnthropicOverOpenAi.request(body.getBytes(StandardCharsets.UTF_8), "up-model"));
    }

    private static JsonNode request(String body, UpstreamDialect dialect, DroppedFields dropped) {
        return JSON.readTree(
                AnthropicOverOpenAi.request(body.getBytes(StandardCharsets.UTF_8), "up-model", dialect, dropped));
    }

    private static Translated response(String body) {
        return AnthropicOverOpenAi.response(body.getBytes(StandardCharsets.UTF_8), "claude-public");
    }

    private static String stopReason(String finish) {
        String f = finish == null ? "null" : "\"" + finish + "\"";
        return JSON.readTree(response("{\"id\":\"s\",\"choices\":[{\"index\":0,\"finish_reason\":" + f
                                + ",\"message\":{\"role\":\"assistant\",\"content\":\"x\"}}]}")
                        .body())
                .get("stop_reason")
                .stringValue();
    }

    private static void assertBadRequest(String body, String message, String param) {
        assertThatThrownBy(() -> AnthropicOverOpenAi.request(body.getBytes(StandardCharsets.UTF_8), "up"))
                .as(body)
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    if (message != null) {
                        assertThat(e.getMessage()).isEqualTo(message);
                    }
                    assertThat(e.param()).isEqualTo(param);
                });
    }
}
