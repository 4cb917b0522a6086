package dev.relay.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.gateway.wire.BadRequestException;
import dev.relay.gateway.wire.SseBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Responses API over Chat Completions and over Anthropic Messages: Codex CLI's real request structure (fixtures
 * captured from the pinned version), each request field's mapping, and the streamed event sequence a Responses client
 * expects.
 */
class ResponsesOverChatTests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static ResponsesOverChat.Prepared prepare(String body, UpstreamDialect dialect, DroppedFields dropped) {
        return ResponsesOverChat.request(body.getBytes(StandardCharsets.UTF_8), "up-model", dialect, dropped);
    }

    static ObjectNode codexTurn(int n) {
        return CodingAgentTranslationTests.fixture("codex-0.171.0-turn" + n + ".json");
    }

    @Test
    void codexsFirstTurnBecomesAChatRequestWithFlattenedNamespaceToolsAndTheBuiltInToolDroppedAndNamed() {
        DroppedFields dropped = new DroppedFields();
        ResponsesOverChat.Prepared p = prepare(codexTurn(1).toString(), UpstreamDialect.DEFAULT, dropped);
        JsonNode chat = p.chat();

        assertThat(chat.path("model").asString()).isEqualTo("up-model");
        assertThat(chat.path("stream").asBoolean()).isTrue();
        assertThat(chat.at("/stream_options/include_usage").asBoolean()).isTrue();
        List<String> roles = new ArrayList<>();
        chat.path("messages").values().forEach(m -> roles.add(m.path("role").asString()));
        assertThat(roles).containsExactly("system", "system", "user", "user");
        // two input_text parts of one developer message: one system message
        assertThat(chat.at("/messages/1/content").asString()).contains("\n\n");
        List<String> tools = new ArrayList<>();
        chat.path("tools")
                .values()
                .forEach(t -> tools.add(t.at("/function/name").asString()));
        assertThat(tools).contains("exec_command", "view_image").anyMatch(n -> n.startsWith("multi_agent_v1__"));
        assertThat(tools).noneMatch(n -> n.isEmpty());
        assertThat(chat.path("tool_choice").asString()).isEqualTo("auto");
        assertThat(chat.path("parallel_tool_calls").asBoolean()).isTrue();
        // what Codex sends on every request is accepted; only what changes behaviour is named
        assertThat(dropped.names()).containsExactly("tools[].web_search");
        for (String ignored : List.of("store", "include", "prompt_cache_key", "client_metadata", "reasoning")) {
            assertThat(chat.has(ignored)).as(ignored).isFalse();
        }
    }

    @Test
    void codexsSecondTurnCarriesTheFunctionCallAndItsOutputAsAToolRoundTrip() {
        ResponsesOverChat.Prepared p = prepare(codexTurn(2).toString(), UpstreamDialect.DEFAULT, new DroppedFields());
        JsonNode messages = p.chat().path("messages");
        JsonNode assistant = messages.get(messages.size() - 2);
        JsonNode tool = messages.get(messages.size() - 1);
        assertThat(assistant.path("role").asString()).isEqualTo("assistant");
        assertThat(assistant.at("/tool_calls/0/id").asString()).isEqualTo("call_fixture");
        assertThat(assistant.at("/tool_calls/0/function/name").asString()).isEqualTo("exec_command");
        assertThat(tool.path("role").asString()).isEqualTo("tool");
        assertThat(tool.path("tool_call_id").asString()).isEqualTo("call_fixture");
    }

    @Test
    void aLeadingSystemDialectGetsOneSystemMessageFirst() {
        ResponsesOverChat.Prepared p = prepare(
                codexTurn(2).toString(),
                new UpstreamDialect(UpstreamDialect.Reasoning.ENABLE_THINKING, UpstreamDialect.SystemMessages.LEADING),
                new DroppedFields());
        List<String> roles = new ArrayList<>();
        p.chat().path("messages").values().forEach(m -> roles.add(m.path("role").asString()));
        assertThat(roles.getFirst()).isEqualTo("system");
        assertThat(roles.subList(1, roles.size())).doesNotContain("system");
    }

    @Test
    void fieldsMapToTheirChatCounterparts() {
        DroppedFields dropped = new DroppedFields();
        ResponsesOverChat.Prepared p = prepare(
                """
                {"model":"m","instructions":"be brief","input":[
                   {"role":"user","content":[{"type":"input_text","text":"look"},
                                             {"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"low"}]},
                   {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"thought"}],"encrypted_content":"x"},
                   {"type":"message","role":"assistant","content":[{"type":"output_text","text":"calling"}]},
                   {"type":"function_call","call_id":"c1","name":"spawn_agent","namespace":"multi_agent_v1","arguments":"{}"},
                   {"type":"function_call_output","call_id":"c1","output":[{"type":"input_text","text":"done"}]}],
                 "tools":[{"type":"namespace","name":"multi_agent_v1","tools":[{"type":"function","name":"spawn_agent","parameters":{"type":"object"}}]},
                          {"type":"custom","name":"apply_patch","description":"patch files"}],
                 "tool_choice":{"type":"function","name":"spawn_agent","namespace":"multi_agent_v1"},
                 "max_output_tokens":300,"temperature":0.2,"reasoning":{"effort":"high","summary":"auto"},
                 "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true},"verbosity":"low"},
                 "frobnicate":1}
                """,
                new UpstreamDialect(UpstreamDialect.Reasoning.THINKING_TYPE, UpstreamDialect.SystemMessages.INLINE),
                dropped);
        JsonNode chat = p.chat();
        assertThat(chat.at("/messages/0").toString()).isEqualTo("{\"role\":\"system\",\"content\":\"be brief\"}");
        assertThat(chat.at("/messages/1/content/1/image_url/url").asString()).startsWith("data:image/png");
        assertThat(chat.at("/messages/1/content/1/image_url/detail").asString()).isEqualTo("low");
        JsonNode assistant = chat.at("/messages/2");
        assertThat(assistant.path("content").asString()).isEqualTo("calling");
        assertThat(assistant.path("reasoning_content").asString()).isEqualTo("thought");
        assertThat(assistant.at("/tool_calls/0/function/name").asString()).isEqualTo("multi_agent_v1__spawn_agent");
        assertThat(chat.at("/messages/3/content").asString()).isEqualTo("done");
        assertThat(chat.at("/tools/1/function/parameters/required/0").asString())
                .isEqualTo("input");
        assertThat(chat.at("/tool_choice/function/name").asString()).isEqualTo("multi_agent_v1__spawn_agent");
        assertThat(chat.path("max_tokens").asLong()).isEqualTo(300);
        assertThat(chat.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(chat.at("/thinking/type").asString()).isEqualTo("enabled");
        assertThat(chat.at("/response_format/json_schema/name").asString()).isEqualTo("out");
        assertThat(chat.at("/response_format/json_schema/strict").asBoolean()).isTrue();
        assertThat(dropped.names()).containsExactlyInAnyOrder("frobnicate", "text.verbosity");
        assertThat(p.effort()).isEqualTo("high");
    }

    @Test
    void stateTheEdgeDoesNotKeepIsRefusedNamingTheField() {
        assertThatThrownBy(() -> prepare(
                        "{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":\"resp_1\"}",
                        UpstreamDialect.DEFAULT,
                        new DroppedFields()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("previous_response_id")
                .extracting(e -> ((BadRequestException) e).param())
                .isEqualTo("previous_response_id");
        assertThatThrownBy(() -> prepare("{\"model\":\"m\"}", UpstreamDialect.DEFAULT, new DroppedFields()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("'input'");
    }

    @Test
    void aChatCompletionBecomesAResponseWithReasoningMessageAndCallItemsMappedBackToTheClientsNames() {
        ResponsesOverChat.Prepared p = prepare("""
                {"model":"m","input":"go","tools":[
                  {"type":"namespace","name":"multi_agent_v1","tools":[{"type":"function","name":"spawn_agent"}]},
                  {"type":"custom","name":"apply_patch"}]}
                """, UpstreamDialect.DEFAULT, new DroppedFields());
        String completion = """
                {"id":"c","object":"chat.completion","choices":[{"index":0,"finish_reason":"tool_calls","message":{
                  "role":"assistant","reasoning_content":"hmm","content":"ok",
                  "tool_calls":[{"id":"call_1","type":"function","function":{"name":"multi_agent_v1__spawn_agent","arguments":"{\\"a\\":1}"}},
                                {"id":"call_2","type":"function","function":{"name":"apply_patch","arguments":"{\\"input\\":\\"*** Begin Patch\\"}"}}]}}],
                 "usage":{"prompt_tokens":10,"completion_tokens":5,"prompt_cache_hit_tokens":4,
                          "completion_tokens_details":{"reasoning_tokens":2}}}
                """;
        Translated t = ResponsesOverChat.response(
                completion.getBytes(StandardCharsets.UTF_8), "public", p, "resp_abc", 1_700_000_000L);
        JsonNode r = JSON.readTree(t.body());
        assertThat(r.path("object").asString()).isEqualTo("response");
        assertThat(r.path("status").asString()).isEqualTo("completed");
        assertThat(r.path("model").asString()).isEqualTo("public");
        List<String> types = new ArrayList<>();
        r.path("output").values().forEach(i -> types.add(i.path("type").asString()));
        assertThat(types).containsExactly("reasoning", "message", "function_call", "custom_tool_call");
        assertThat(r.at("/output/0/summary/0/text").asString()).isEqualTo("hmm");
        assertThat(r.at("/output/1/content/0/text").asString()).isEqualTo("ok");
        assertThat(r.at("/output/2/name").asString()).isEqualTo("spawn_agent");
        assertThat(r.at("/output/2/namespace").asString()).isEqualTo("multi_agent_v1");
        assertThat(r.at("/output/2/call_id").asString()).isEqualTo("call_1");
        assertThat(r.at("/output/3/input").asString()).isEqualTo("*** Begin Patch");
        // DeepSeek's cache field, read by the one usage reader
        assertThat(r.at("/usage/input_tokens_details/cached_tokens").asLong()).isEqualTo(4);
        assertThat(r.at("/usage/output_tokens_details/reasoning_tokens").asLong())
                .isEqualTo(2);
        assertThat(t.usage().cacheReadTokens()).isEqualTo(4);
    }

    @Test
    void aTruncatedCompletionIsIncomplete() {
        ResponsesOverChat.Prepared p =
                prepare("{\"model\":\"m\",\"input\":\"go\"}", UpstreamDialect.DEFAULT, new DroppedFields());
        Translated t = ResponsesOverChat.response(
                "{\"choices\":[{\"finish_reason\":\"length\",\"message\":{\"content\":\"par\"}}]}"
                        .getBytes(StandardCharsets.UTF_8),
                "public",
                p,
                "resp_x",
                1L);
        JsonNode r = JSON.readTree(t.body());
        assertThat(r.path("status").asString()).isEqualTo("incomplete");
        assertThat(r.at("/incomplete_details/reason").asString()).isEqualTo("max_output_tokens");
    }

    // ------------------------------------------------------------------------------------------------ streams

    static List<JsonNode> events(List<byte[]> out) {
        List<JsonNode> events = new ArrayList<>();
        for (byte[] e : out) {
            String name = SseBuffer.eventName(e);
            JsonNode data = JSON.readTree(SseBuffer.data(e));
            assertThat(data.path("type").asString()).as("event name = type").isEqualTo(name);
            events.add(data);
        }
        return events;
    }

    static String chunk(String delta) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":" + delta + "}]}\n\n";
    }

    @Test
    void aChatStreamBecomesTheResponsesEventSequenceWithSequenceNumbersAndStableItemIds() {
        ResponsesOverChat.Prepared p = prepare(
                "{\"model\":\"m\",\"input\":\"go\",\"stream\":true,\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}",
                UpstreamDialect.DEFAULT,
                new DroppedFields());
        ResponsesOverChatStream st = new ResponsesOverChatStream("public", p, "resp_s", 5L);
        String upstream = chunk("{\"role\":\"assistant\",\"reasoning_content\":\"th\"}")
                + chunk("{\"reasoning_content\":\"ink\"}")
                + chunk("{\"content\":\"Hel\"}")
                + chunk("{\"content\":\"lo\"}")
                + chunk(
                        "{\"tool_calls\":[{\"index\":0,\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}")
                + chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"x\\\":\"}}]}")
                + chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"1}\"}}]}")
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n"
                + "data: [DONE]\n\n";
        List<byte[]> out = new ArrayList<>();
        // any split: feed it in 7-byte pieces
        byte[] all = upstream.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < all.length; i += 7) {
            out.addAll(st.accept(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + 7))));
        }
        out.addAll(st.finish());
        List<JsonNode> events = events(out);
        List<String> types = events.stream().map(e -> e.path("type").asString()).toList();
        assertThat(types)
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.reasoning_summary_part.added",
                        "response.reasoning_summary_text.delta",
                        "response.reasoning_summary_text.delta",
                        "response.reasoning_summary_text.done",
                        "response.reasoning_summary_part.done",
                        "response.output_item.done",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.output_item.added",
                        "response.function_call_arguments.delta",
                        "response.function_call_arguments.delta",
                        "response.function_call_arguments.done",
                        "response.output_item.done",
                        "response.completed");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).path("sequence_number").asInt()).isEqualTo(i);
        }
        JsonNode completed = events.getLast().path("response");
        assertThat(completed.path("id").asString()).isEqualTo("resp_s");
        assertThat(completed.path("status").asString()).isEqualTo("completed");
        assertThat(completed.at("/output/1/content/0/text").asString()).isEqualTo("Hello");
        assertThat(completed.at("/output/2/arguments").asString()).isEqualTo("{\"x\":1}");
        assertThat(completed.at("/output/2/call_id").asString()).isEqualTo("call_9");
        assertThat(completed.at("/usage/total_tokens").asLong()).isEqualTo(10);
        // the item ids of the deltas are the ids of the items done
        assertThat(events.get(11).path("item_id").asString())
                .isEqualTo(completed.at("/output/1/id").asString());
        assertThat(st.completed()).isTrue();
        assertThat(st.usage().promptTokens()).isEqualTo(7);
    }

    @Test
    void aStreamThatBreaksEndsWithResponseFailedAndNothingAfterIt() {
        ResponsesOverChat.Prepared p = prepare(
                "{\"model\":\"m\",\"input\":\"go\",\"stream\":true}", UpstreamDialect.DEFAULT, new DroppedFields());
        ResponsesOverChatStream st = new ResponsesOverChatStream("public", p, "resp_f", 5L);
        List<byte[]> out =
                new ArrayList<>(st.accept(chunk("{\"content\":\"par\"}").getBytes(StandardCharsets.UTF_8)));
        out.addAll(st.finish());
        assertThat(st.completed()).isFalse();
        out.addAll(st.fail("upstream connection failed mid-stream", "upstream_error"));
        assertThat(st.fail("again", "x")).isEmpty();
        JsonNode last = events(out).getLast();
        assertThat(last.path("type").asString()).isEqualTo("response.failed");
        assertThat(last.at("/response/status").asString()).isEqualTo("failed");
        assertThat(last.at("/response/error/code").asString()).isEqualTo("upstream_error");
    }

    @Test
    void anAnthropicStreamReachesAResponsesClientThroughTheChatPivot() {
        ResponsesOverChat.Prepared p = prepare(
                "{\"model\":\"m\",\"input\":\"go\",\"stream\":true}",
                ResponsesOverAnthropic.CHAT_DIALECT,
                new DroppedFields());
        StreamTranslator st = ResponsesOverAnthropic.stream("public", p, "resp_a", 9L);
        String upstream = """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[],"usage":{"input_tokens":12,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"pondering"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: content_block_start
                data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi there"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":1}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":6}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
        List<byte[]> out = new ArrayList<>(st.accept(upstream.getBytes(StandardCharsets.UTF_8)));
        out.addAll(st.finish());
        List<JsonNode> events = events(out);
        assertThat(events.getFirst().path("type").asString()).isEqualTo("response.created");
        JsonNode completed = events.getLast();
        assertThat(completed.path("type").asString()).isEqualTo("response.completed");
        assertThat(completed.at("/response/output/0/type").asString()).isEqualTo("reasoning");
        assertThat(completed.at("/response/output/1/content/0/text").asString()).isEqualTo("Hi there");
        assertThat(st.completed()).isTrue();
        assertThat(st.usage().promptTokens()).isEqualTo(12);
        assertThat(st.usage().completionTokens()).isEqualTo(6);
    }

    @Test
    void anEffortBecomesAnAnthropicThinkingBudgetWithRoomToAnswer() {
        DroppedFields dropped = new DroppedFields();
        ResponsesOverChat.Prepared p = prepare(
                "{\"model\":\"m\",\"input\":\"go\",\"reasoning\":{\"effort\":\"medium\"},\"temperature\":0.3}",
                ResponsesOverAnthropic.CHAT_DIALECT,
                dropped);
        JsonNode m = JSON.readTree(ResponsesOverAnthropic.request(p, "claude", 4096, dropped));
        assertThat(m.at("/thinking/type").asString()).isEqualTo("enabled");
        assertThat(m.at("/thinking/budget_tokens").asLong()).isEqualTo(ResponsesOverAnthropic.MEDIUM_BUDGET);
        assertThat(m.path("max_tokens").asLong()).isGreaterThan(ResponsesOverAnthropic.MEDIUM_BUDGET);
        assertThat(m.has("temperature")).isFalse();
        assertThat(dropped.names()).containsExactly("temperature");
    }
}
