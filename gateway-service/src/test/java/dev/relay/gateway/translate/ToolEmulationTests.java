package dev.relay.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.gateway.wire.BadRequestException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ToolEmulationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
              "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}},
             {"type":"function","function":{"name":"get_time"}}]""";
    private static final String CALL_ID = "call_[A-Za-z0-9]{24}";

    @Test
    void leavesARequestWithoutToolsAsTheSameArray() {
        byte[] body = bytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        byte[] mentionsTools = bytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"my toolbox\"}]}");

        ToolEmulation.Plan plan = ToolEmulation.prepare(body);

        assertThat(plan.active()).isFalse();
        assertThat(plan.body()).isSameAs(body);
        assertThat(plan.toolNames()).isEmpty();
        assertThat(ToolEmulation.prepare(mentionsTools).body()).isSameAs(mentionsTools);
        byte[] reply = bytes(completion("<tool_calls>[{\"name\":\"get_weather\",\"arguments\":{}}]</tool_calls>"));
        assertThat(plan.response(reply)).isSameAs(reply);
    }

    @Test
    void movesTheToolsIntoTheSystemPromptContractAndStripsTheToolFields() {
        String request = """
                {"model":"m","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":"weather in Paris?"}],%s,"tool_choice":"auto","parallel_tool_calls":true,
                 "temperature":0.2}""".formatted(TOOLS);

        ToolEmulation.Plan plan = ToolEmulation.prepare(bytes(request));

        assertThat(plan.active()).isTrue();
        assertThat(plan.toolNames()).containsExactly("get_weather", "get_time");
        JsonNode body = JSON.readTree(plan.body());
        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("tool_choice")).isFalse();
        assertThat(body.has("parallel_tool_calls")).isFalse();
        assertThat(body.path("temperature").doubleValue()).isEqualTo(0.2);
        assertThat(body.path("messages")).hasSize(2);
        String system = body.path("messages").get(0).path("content").stringValue();
        assertThat(system)
                .isEqualTo("Be brief.\n\n# Tools (relay tool emulation)\n\n"
                        + "You can call the following tools, listed one JSON object per line with the tool's name,"
                        + " description and JSON Schema parameters:\n"
                        + "<tools>\n"
                        + "{\"name\":\"get_weather\",\"description\":\"Current weather\",\"parameters\":{\"type\":"
                        + "\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}}\n"
                        + "{\"name\":\"get_time\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}\n"
                        + "</tools>\n\n"
                        + "To call tools, answer with ONLY a block in exactly this format, with no other text before"
                        + " or after it:\n"
                        + "<tool_calls>\n"
                        + "[{\"name\": \"<tool name>\", \"arguments\": {...}}]\n"
                        + "</tool_calls>\n"
                        + "The block holds a JSON array with one element per call; to call several tools at once, put"
                        + " several elements in the array. \"arguments\" is a JSON object that matches the tool's"
                        + " parameters.\n"
                        + "Each tool result comes back in a user message of the form <tool_result tool_call_id=\"...\""
                        + " name=\"...\">result</tool_result>; use the results to continue, calling more tools if"
                        + " needed.\n"
                        + "If no tool is needed, answer normally, without a <tool_calls> block.");
        assertThat(body.path("messages").get(1).path("content").stringValue()).isEqualTo("weather in Paris?");
    }

    @Test
    void prependsASystemMessageWhenThereIsNoneAndAppendsAPartToAnArraySystemPrompt() {
        String noSystem = """
                {"model":"m","messages":[{"role":"user","content":"hi"}],%s}""".formatted(TOOLS);
        String arraySystem = """
                {"model":"m","messages":[{"role":"developer","content":[{"type":"text","text":"Rules"}]},
                 {"role":"user","content":"hi"}],%s}""".formatted(TOOLS);

        JsonNode prepended =
                JSON.readTree(ToolEmulation.prepare(bytes(noSystem)).body());
        JsonNode appended =
                JSON.readTree(ToolEmulation.prepare(bytes(arraySystem)).body());

        assertThat(prepended.path("messages")).hasSize(2);
        assertThat(prepended.path("messages").get(0).path("role").stringValue()).isEqualTo("system");
        assertThat(prepended.path("messages").get(0).path("content").stringValue())
                .startsWith("# Tools (relay tool emulation)\n");
        JsonNode parts = appended.path("messages").get(0).path("content");
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).path("text").stringValue()).isEqualTo("Rules");
        assertThat(parts.get(1).path("type").stringValue()).isEqualTo("text");
        assertThat(parts.get(1).path("text").stringValue()).startsWith("# Tools (relay tool emulation)\n");
    }

    @Test
    void rendersToolCallHistoryAsActionBlocksAndToolResultsAsUserMessages() {
        String request = """
                {"model":"m","messages":[{"role":"user","content":"weather in Paris and the time?"},
                 {"role":"assistant","content":"Checking.","tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\": \\"Paris\\"}"}},
                   {"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny, 21 C"},
                 {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"12:00"}]}],%s}""".formatted(TOOLS);

        JsonNode messages =
                JSON.readTree(ToolEmulation.prepare(bytes(request)).body()).path("messages");

        assertThat(messages).hasSize(5);
        assertThat(messages.get(0).path("role").stringValue()).isEqualTo("system");
        JsonNode assistant = messages.get(2);
        assertThat(assistant.path("role").stringValue()).isEqualTo("assistant");
        assertThat(assistant.has("tool_calls")).isFalse();
        assertThat(assistant.path("content").stringValue())
                .isEqualTo("Checking.\n<tool_calls>\n"
                        + "[{\"name\":\"get_weather\",\"arguments\":{\"location\":\"Paris\"}},"
                        + "{\"name\":\"get_time\",\"arguments\":{}}]\n"
                        + "</tool_calls>");
        assertThat(messages.get(3).path("role").stringValue()).isEqualTo("user");
        assertThat(messages.get(3).path("content").stringValue())
                .isEqualTo("<tool_result tool_call_id=\"call_1\" name=\"get_weather\">\nsunny, 21 C\n</tool_result>");
        assertThat(messages.get(3).has("tool_call_id")).isFalse();
        assertThat(messages.get(4).path("content").stringValue())
                .isEqualTo("<tool_result tool_call_id=\"call_2\" name=\"get_time\">\n12:00\n</tool_result>");
    }

    @Test
    void toolChoiceNoneOmitsTheToolsButStillRendersTheHistory() {
        String withHistory = """
                {"model":"m","tool_choice":"none","messages":[{"role":"user","content":"weather?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"rain"}],%s}""".formatted(TOOLS);
        String withoutHistory = """
                {"model":"m","tool_choice":"none","messages":[{"role":"user","content":"weather?"}],%s}""".formatted(TOOLS);

        ToolEmulation.Plan plan = ToolEmulation.prepare(bytes(withHistory));
        ToolEmulation.Plan bare = ToolEmulation.prepare(bytes(withoutHistory));

        assertThat(plan.active()).isTrue();
        assertThat(plan.toolNames()).isEmpty();
        JsonNode messages = JSON.readTree(plan.body()).path("messages");
        String system = messages.get(0).path("content").stringValue();
        assertThat(system).startsWith("# Tools (relay tool emulation)\n").doesNotContain("<tools>");
        assertThat(system).contains("No tools can be called now");
        assertThat(messages.get(2).path("content").stringValue())
                .isEqualTo("<tool_calls>\n[{\"name\":\"get_weather\",\"arguments\":{}}]\n</tool_calls>");
        assertThat(messages.get(3).path("content").stringValue()).startsWith("<tool_result tool_call_id=\"call_1\"");
        byte[] reply = bytes(completion("<tool_calls>[{\"name\":\"get_weather\",\"arguments\":{}}]</tool_calls>"));
        assertThat(plan.response(reply)).isSameAs(reply);

        assertThat(bare.active()).isTrue();
        JsonNode bareBody = JSON.readTree(bare.body());
        assertThat(bareBody.has("tools")).isFalse();
        assertThat(bareBody.has("tool_choice")).isFalse();
        assertThat(bareBody.path("messages")).hasSize(1);
    }

    @Test
    void requiredAndNamedToolChoiceMakeTheContractDemandACall() {
        String required = """
                {"model":"m","tool_choice":"required","parallel_tool_calls":false,
                 "messages":[{"role":"user","content":"hi"}],%s}""".formatted(TOOLS);
        String named = """
                {"model":"m","tool_choice":{"type":"function","function":{"name":"get_time"}},
                 "messages":[{"role":"user","content":"hi"}],%s}""".formatted(TOOLS);

        String requiredSystem = system(ToolEmulation.prepare(bytes(required)).body());
        ToolEmulation.Plan namedPlan = ToolEmulation.prepare(bytes(named));
        String namedSystem = system(namedPlan.body());

        assertThat(requiredSystem)
                .contains("Call at most one tool per answer.\n")
                .endsWith("\nYou must call at least one tool in this answer.");
        assertThat(namedSystem)
                .endsWith("\nYou must call the tool \"get_time\" in this answer.")
                .contains("{\"name\":\"get_time\"")
                .doesNotContain("get_weather");
        assertThat(namedPlan.toolNames()).containsExactly("get_time");
    }

    @Test
    void rejectsInvalidToolsAndToolChoices() {
        assertBadRequest("{\"model\":\"m\",\"messages\":[],\"tools\":{}}", "tools");
        assertBadRequest(
                "{\"model\":\"m\",\"messages\":[],\"tools\":[{\"type\":\"function\",\"function\":{}}]}",
                "tools[0].function.name");
        assertBadRequest(
                "{\"model\":\"m\",\"messages\":[],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a b\"}}]}",
                "tools[0].function.name");
        assertBadRequest("{\"model\":\"m\",\"messages\":[],\"tools\":[{\"type\":\"web_search\"}]}", "tools[0].type");
        assertBadRequest(
                "{\"model\":\"m\",\"messages\":[],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\"}},"
                        + "{\"type\":\"function\",\"function\":{\"name\":\"a\"}}]}",
                "tools[1].function.name");
        assertBadRequest(
                "{\"model\":\"m\",\"messages\":[],%s,\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}}"
                        .formatted(TOOLS),
                "tool_choice.function.name");
        assertBadRequest(
                "{\"model\":\"m\",\"messages\":[],%s,\"tool_choice\":\"always\"}".formatted(TOOLS), "tool_choice");
        assertBadRequest("{\"model\":\"m\",\"messages\":[],\"tool_choice\":\"required\"}", "tool_choice");
    }

    @Test
    void turnsAnActionBlockIntoToolCallsWithGeneratedIds() {
        ToolEmulation.Plan plan = weatherPlan();

        JsonNode reply = JSON.readTree(plan.response(
                bytes(completion("<tool_calls>\n[{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris\"}},"
                        + " {\"name\": \"get_time\", \"arguments\": {}}]\n</tool_calls>"))));

        JsonNode choice = reply.path("choices").get(0);
        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("tool_calls");
        JsonNode message = choice.path("message");
        assertThat(message.path("content").isNull()).isTrue();
        JsonNode calls = message.path("tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).path("id").stringValue()).matches(CALL_ID);
        assertThat(calls.get(1).path("id").stringValue())
                .matches(CALL_ID)
                .isNotEqualTo(calls.get(0).path("id").stringValue());
        assertThat(calls.get(0).path("type").stringValue()).isEqualTo("function");
        assertThat(calls.get(0).path("function").path("name").stringValue()).isEqualTo("get_weather");
        assertThat(calls.get(0).path("function").path("arguments").stringValue())
                .isEqualTo("{\"location\":\"Paris\"}");
        assertThat(calls.get(1).path("function").path("arguments").stringValue())
                .isEqualTo("{}");
        assertThat(reply.path("usage").path("total_tokens").intValue()).isEqualTo(30);
        assertThat(reply.path("id").stringValue()).isEqualTo("chatcmpl-1");
    }

    @Test
    void toleratesFencesASingleObjectStringArgumentsAndTextAroundTheBlock() {
        ToolEmulation.Plan plan = weatherPlan();

        JsonNode fenced = message(plan.response(
                bytes(completion("Let me check.\n\n<tool_calls>\n```json\n{\"name\":\"get_weather\",\"arguments\":"
                        + "\"{\\\"location\\\":\\\"Oslo\\\"}\"}\n```\n</tool_calls>\n"))));
        JsonNode openAiShape = message(plan.response(bytes(completion(
                "<tool_calls>  [{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"\"}}]  "
                        + "</tool_calls>"))));
        JsonNode unterminated = message(plan.response(
                bytes(completion("<tool_calls>\n[{\"name\":\"get_time\",\"arguments\":{\"zone\":\"UTC\"}}]"))));

        assertThat(fenced.path("content").stringValue()).isEqualTo("Let me check.");
        assertThat(fenced.path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("arguments")
                        .stringValue())
                .isEqualTo("{\"location\":\"Oslo\"}");
        assertThat(openAiShape
                        .path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("name")
                        .stringValue())
                .isEqualTo("get_time");
        assertThat(openAiShape
                        .path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("arguments")
                        .stringValue())
                .isEqualTo("{}");
        assertThat(unterminated
                        .path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("arguments")
                        .stringValue())
                .isEqualTo("{\"zone\":\"UTC\"}");
    }

    @Test
    void dropsCallsToUnknownToolsAndLeavesATextWithoutAValidBlockAlone() {
        ToolEmulation.Plan plan = weatherPlan();
        byte[] unknownOnly = bytes(completion("<tool_calls>[{\"name\":\"rm_rf\",\"arguments\":{}}]</tool_calls>"));
        byte[] broken = bytes(completion("<tool_calls>[{\"name\":\"get_weather\",</tool_calls>"));
        byte[] plain = bytes(completion("a < b, and <b>bold</b>"));

        JsonNode mixed = message(plan.response(bytes(completion(
                "<tool_calls>[{\"name\":\"rm_rf\",\"arguments\":{}},{\"name\":\"get_time\",\"arguments\":{}}]"
                        + "</tool_calls>"))));

        assertThat(plan.response(unknownOnly)).isSameAs(unknownOnly);
        assertThat(plan.response(broken)).isSameAs(broken);
        assertThat(plan.response(plain)).isSameAs(plain);
        assertThat(mixed.path("tool_calls")).hasSize(1);
        assertThat(mixed.path("tool_calls").get(0).path("function").path("name").stringValue())
                .isEqualTo("get_time");
    }

    @Test
    void generatesCallIdsOfTwentyFourRandomAlphanumerics() {
        assertThat(ToolEmulation.newCallId()).matches(CALL_ID).isNotEqualTo(ToolEmulation.newCallId());
    }

    private static ToolEmulation.Plan weatherPlan() {
        return ToolEmulation.prepare(bytes(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}],%s}".formatted(TOOLS)));
    }

    private static void assertBadRequest(String body, String param) {
        assertThatThrownBy(() -> ToolEmulation.prepare(bytes(body)))
                .isInstanceOf(BadRequestException.class)
                .satisfies(e -> assertThat(((BadRequestException) e).param()).isEqualTo(param));
    }

    private static String completion(String content) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{"
                + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + JSON.writeValueAsString(content)
                + ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":10,\"total_tokens\":30}}";
    }

    private static JsonNode message(byte[] completion) {
        return JSON.readTree(completion).path("choices").get(0).path("message");
    }

    private static String system(byte[] body) {
        return JSON.readTree(body).path("messages").get(0).path("content").stringValue();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
