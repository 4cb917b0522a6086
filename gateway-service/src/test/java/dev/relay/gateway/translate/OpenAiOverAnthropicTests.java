package dev.relay.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.wire.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OpenAiOverAnthropicTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    // ---------------------------------------------------------------------------------------------------- request

    @Test
    void mapsTheBasicsAndSetsTheUpstreamModelAndDefaultMaxTokens() {
        JsonNode out = request("""
                {"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"stream":true,
                 "stream_options":{"include_usage":true},"presence_penalty":0.5,"frequency_penalty":0.1,
                 "logit_bias":{"50256":-100},"logprobs":false,"seed":7,"store":true,"metadata":{"a":"b"},
                 "reasoning_effort":"low","n":1,"top_p":0.9}""");
        assertThat(out).isEqualTo(json("""
                        {"model":"claude-sonnet-4-5","max_tokens":4096,
                         "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],
                         "top_p":0.9,"stream":true}"""));
    }

    @Test
    void hoistsSystemAndDeveloperMessagesIntoTheTopLevelSystem() {
        JsonNode out = request("""
                {"model":"m","messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"developer","content":[{"type":"text","text":"Answer in French."},{"type":"text","text":"No emoji."}]},
                  {"role":"user","content":"Hi"}]}""");
        assertThat(out.get("system").stringValue()).isEqualTo("You are terse.\n\nAnswer in French.\nNo emoji.");
        assertThat(out.get("messages")).hasSize(1);
        assertThat(out.get("messages").get(0).get("role").stringValue()).isEqualTo("user");
    }

    @Test
    void keepsAMultiTurnConversationInOrder() {
        JsonNode out = request("""
                {"model":"m","messages":[
                  {"role":"user","content":"What is 2+2?"},
                  {"role":"assistant","content":"4","reasoning_content":"easy"},
                  {"role":"user","content":[{"type":"text","text":"And 3+3?"}]}]}""");
        assertThat(out.get("messages")).isEqualTo(json("""
                        [{"role":"user","content":[{"type":"text","text":"What is 2+2?"}]},
                         {"role":"assistant","content":[{"type":"text","text":"4"}]},
                         {"role":"user","content":[{"type":"text","text":"And 3+3?"}]}]"""));
    }

    @Test
    void mapsBase64AndUrlImages() {
        JsonNode out = request("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"Compare"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}""");
        assertThat(out.get("messages").get(0).get("content")).isEqualTo(json("""
                        [{"type":"text","text":"Compare"},
                         {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                         {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]"""));
    }

    @Test
    void refusesAudioFileAndUnsupportedImageInput() {
        assertBadRequest(() -> request("""
                        {"model":"m","messages":[{"role":"user","content":[
                          {"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}"""), "messages", "audio");
        assertBadRequest(() -> request("""
                        {"model":"m","messages":[{"role":"user","content":[
                          {"type":"file","file":{"file_id":"file-1"}}]}]}"""), "messages", "file");
        assertBadRequest(() -> request("""
                        {"model":"m","messages":[{"role":"user","content":[
                          {"type":"image_url","image_url":{"url":"data:image/tiff;base64,AAAA"}}]}]}"""), "messages", "image/tiff");
        assertBadRequest(() -> request("""
                        {"model":"m","messages":[{"role":"user","content":[
                          {"type":"image_url","image_url":{"url":"ftp://example.com/a.png"}}]}]}"""), "messages", "image_url");
    }

    @Test
    void mapsAToolCallRoundTrip() {
        JsonNode out = request("""
                {"model":"m","messages":[
                  {"role":"user","content":"Weather in Paris?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"18C, sunny"},
                  {"role":"assistant","content":"It is 18C and sunny."}]}""");
        assertThat(out.get("messages")).isEqualTo(json("""
                        [{"role":"user","content":[{"type":"text","text":"Weather in Paris?"}]},
                         {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"get_weather",
                           "input":{"location":"Paris"}}]},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"18C, sunny"}]},
                         {"role":"assistant","content":[{"type":"text","text":"It is 18C and sunny."}]}]"""));
    }

    @Test
    void mergesParallelToolResultsIntoOneUserTurn() {
        JsonNode out = request("""
                {"model":"m","messages":[
                  {"role":"user","content":"Weather in Paris and Tokyo?"},
                  {"role":"assistant","content":"Checking.","tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}},
                    {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":""}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"18C"},
                  {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"25C"}]},
                  {"role":"user","content":"Which is warmer?"}]}""");
        assertThat(out.get("messages")).isEqualTo(json("""
                        [{"role":"user","content":[{"type":"text","text":"Weather in Paris and Tokyo?"}]},
                         {"role":"assistant","content":[{"type":"text","text":"Checking."},
                           {"type":"tool_use","id":"call_1","name":"get_weather","input":{"location":"Paris"}},
                           {"type":"tool_use","id":"call_2","name":"get_weather","input":{}}]},
                         {"role":"user","content":[
                           {"type":"tool_result","tool_use_id":"call_1","content":"18C"},
                           {"type":"tool_result","tool_use_id":"call_2","content":"25C"},
                           {"type":"text","text":"Which is warmer?"}]}]"""));
    }

    @Test
    void mergesConsecutiveSameRoleTurnsAndSkipsEmptyAssistantTurns() {
        JsonNode out = request("""
                {"model":"m","messages":[
                  {"role":"user","content":"one"},
                  {"role":"user","content":"two"},
                  {"role":"assistant","content":"","reasoning_content":"hidden"},
                  {"role":"user","content":"three"},
                  {"role":"assistant","content":"a"},
                  {"role":"assistant","content":[{"type":"text","text":"b"}]}]}""");
        assertThat(out.get("messages")).isEqualTo(json("""
                        [{"role":"user","content":[{"type":"text","text":"one"},{"type":"text","text":"two"},
                           {"type":"text","text":"three"}]},
                         {"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]"""));
        assertThat(out.toString()).doesNotContain("hidden");
    }

    @Test
    void putsToolResultsBeforeTextInAUserTurn() {
        JsonNode out = request("""
                {"model":"m","messages":[
                  {"role":"user","content":"go"},
                  {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
                  {"role":"user","content":"also this"},
                  {"role":"tool","tool_call_id":"c1","content":"done"}]}""");
        assertThat(out.get("messages").get(2).get("content")).isEqualTo(json("""
                        [{"type":"tool_result","tool_use_id":"c1","content":"done"},{"type":"text","text":"also this"}]"""));
    }

    @Test
    void prependsAUserTurnWhenTheConversationStartsWithTheAssistant() {
        JsonNode out = request("""
                {"model":"m","messages":[
                  {"role":"system","content":"sys"},
                  {"role":"assistant","content":"Hello! How can I help?"},
                  {"role":"user","content":"Tell me a joke"}]}""");
        assertThat(out.get("messages")).isEqualTo(json("""
                        [{"role":"user","content":"."},
                         {"role":"assistant","content":[{"type":"text","text":"Hello! How can I help?"}]},
                         {"role":"user","content":[{"type":"text","text":"Tell me a joke"}]}]"""));
    }

    @Test
    void refusesAConversationWithoutAnyUserMessage() {
        assertBadRequest(
                () -> request("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
                        + "{\"role\":\"assistant\",\"content\":\"a\"}]}"),
                "messages",
                "user");
    }

    @Test
    void refusesToolArgumentsThatAreNotAJsonObject() {
        for (String args : new String[] {"{not json", "[1,2]", "42"}) {
            String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                    + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"f\",\"arguments\":" + JSON.writeValueAsString(args) + "}}]}]}";
            assertBadRequest(() -> request(body), "messages", "arguments");
        }
    }

    @Test
    void mapsToolsWithADefaultInputSchema() {
        JsonNode out = request("""
                {"model":"m","messages":[{"role":"user","content":"x"}],"tools":[
                  {"type":"function","function":{"name":"get_weather","description":"Weather now","strict":true,
                    "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}},
                  {"type":"function","function":{"name":"now"}}]}""");
        assertThat(out.get("tools")).isEqualTo(json("""
                        [{"name":"get_weather","description":"Weather now","input_schema":{"type":"object",
                           "properties":{"location":{"type":"string"}},"required":["location"]}},
                         {"name":"now","input_schema":{"type":"object","properties":{}}}]"""));
        assertThat(out.has("tool_choice")).isFalse();
    }

    @Test
    void refusesNonFunctionTools() {
        assertBadRequest(() -> request("""
                        {"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"web_search"}]}"""), "tools", "function");
    }

    @Test
    void mapsToolChoiceVariants() {
        Map<String, String> cases = Map.of(
                "\"auto\"", "{\"type\":\"auto\"}",
                "\"none\"", "{\"type\":\"none\"}",
                "\"required\"", "{\"type\":\"any\"}",
                "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}", "{\"type\":\"tool\",\"name\":\"f\"}");
        cases.forEach((choice, expected) -> {
            JsonNode out = request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":" + choice
                    + "}");
            assertThat(out.get("tool_choice")).as(choice).isEqualTo(json(expected));
        });
        assertBadRequest(
                () -> request(
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":\"always\"}"),
                "tool_choice",
                "tool_choice");
    }

    @Test
    void parallelToolCallsFalseDisablesParallelToolUse() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";
        JsonNode withoutChoice = request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + tools + ",\"parallel_tool_calls\":false}");
        assertThat(withoutChoice.get("tool_choice"))
                .isEqualTo(json("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"));

        JsonNode withChoice = request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]," + tools
                + ",\"tool_choice\":\"required\",\"parallel_tool_calls\":false}");
        assertThat(withChoice.get("tool_choice"))
                .isEqualTo(json("{\"type\":\"any\",\"disable_parallel_tool_use\":true}"));

        JsonNode parallelTrue = request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]," + tools
                + ",\"parallel_tool_calls\":true}");
        assertThat(parallelTrue.has("tool_choice")).isFalse();

        JsonNode noTools = request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"tool_choice\":\"auto\",\"parallel_tool_calls\":false}");
        assertThat(noTools.has("tool_choice")).isFalse();
        assertThat(noTools.has("tools")).isFalse();
    }

    @Test
    void mapsStopAsStringOrArray() {
        assertThat(request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":\"END\"}")
                        .get("stop_sequences"))
                .isEqualTo(json("[\"END\"]"));
        assertThat(request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                                + "\"stop\":[\"\\n\\n\",\"Human:\"]}")
                        .get("stop_sequences"))
                .isEqualTo(json("[\"\\n\\n\",\"Human:\"]"));
        assertBadRequest(
                () -> request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":5}"),
                "stop",
                "stop");
    }

    @Test
    void mapsMaxTokensAndMaxCompletionTokens() {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
        assertThat(request("{\"model\":\"m\"," + messages + "}")
                        .get("max_tokens")
                        .longValue())
                .isEqualTo(4096);
        assertThat(request("{\"model\":\"m\"," + messages + ",\"max_tokens\":100}")
                        .get("max_tokens")
                        .longValue())
                .isEqualTo(100);
        assertThat(request("{\"model\":\"m\"," + messages + ",\"max_completion_tokens\":200}")
                        .get("max_tokens")
                        .longValue())
                .isEqualTo(200);
        assertThat(request("{\"model\":\"m\"," + messages + ",\"max_tokens\":null}")
                        .get("max_tokens")
                        .longValue())
                .isEqualTo(4096);
        assertBadRequest(
                () -> request("{\"model\":\"m\"," + messages + ",\"max_tokens\":0}"), "max_tokens", "max_tokens");
    }

    @Test
    void clampsTemperatureToAnthropicsRange() {
        String prefix = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":";
        assertThat(request(prefix + "1.7}").get("temperature").doubleValue()).isEqualTo(1.0);
        assertThat(request(prefix + "0.3}").get("temperature").doubleValue()).isEqualTo(0.3);
        assertThat(request(prefix + "0}").get("temperature").doubleValue()).isEqualTo(0.0);
        assertThat(request(prefix + "-1}").get("temperature").doubleValue()).isEqualTo(0.0);
        assertBadRequest(() -> request(prefix + "\"hot\"}"), "temperature", "temperature");
    }

    @Test
    void mapsUserToMetadataUserId() {
        JsonNode out =
                request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"user\":\"u-42\"}");
        assertThat(out.get("metadata")).isEqualTo(json("{\"user_id\":\"u-42\"}"));
    }

    @Test
    void asksForJsonInTheSystemPromptWhenAResponseFormatIsRequested() {
        JsonNode jsonObject = request("""
                {"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"x"}],
                 "response_format":{"type":"json_object"}}""");
        assertThat(jsonObject.get("system").stringValue()).isEqualTo("Be brief.\n\nRespond with a single JSON object.");
        assertThat(jsonObject.has("response_format")).isFalse();

        JsonNode jsonSchema = request("""
                {"model":"m","messages":[{"role":"user","content":"x"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object"}}}}""");
        assertThat(jsonSchema.get("system").stringValue())
                .isEqualTo(
                        "Respond with a single JSON object. It must conform to this JSON schema: {\"type\":\"object\"}");

        JsonNode text = request("""
                {"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"text"}}""");
        assertThat(text.has("system")).isFalse();
    }

    @Test
    void refusesInvalidRequests() {
        assertBadRequest(() -> raw("not json"), null, "JSON");
        assertBadRequest(() -> raw("[1]"), null, "object");
        assertBadRequest(() -> request("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), "model", "model");
        assertBadRequest(
                () -> request("{\"model\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), "model", "model");
        assertBadRequest(() -> request("{\"model\":\"m\"}"), "messages", "messages");
        assertBadRequest(() -> request("{\"model\":\"m\",\"messages\":[]}"), "messages", "messages");
        assertBadRequest(() -> request("{\"model\":\"m\",\"messages\":{}}"), "messages", "messages");
        assertBadRequest(
                () -> request("{\"model\":\"m\",\"messages\":[{\"role\":\"function\",\"content\":\"x\"}]}"),
                "messages",
                "role");
        assertBadRequest(() -> request("{\"model\":\"m\",\"messages\":[\"hi\"]}"), "messages", "messages[0]");
        assertBadRequest(
                () -> request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":2}"),
                "n",
                "n");
        assertBadRequest(
                () -> request("{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"),
                "messages",
                "tool_call_id");
    }

    // --------------------------------------------------------------------------------------------------- response

    @Test
    void translatesATextMessage() {
        Translated t = response("""
                {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"Hello"},{"type":"text","text":" there"}],
                 "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":3}}""");
        assertThat(json(t.body())).isEqualTo(json("""
                        {"id":"chatcmpl-msg_01","object":"chat.completion","created":1700000000,"model":"gpt-4o",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13,
                          "prompt_tokens_details":{"cached_tokens":0}}}"""));
        assertThat(t.usage()).isEqualTo(new TokenUsage(10, 3, 0, 0, false));
    }

    @Test
    void translatesParallelToolUseBlocksIntoToolCalls() {
        Translated t = response("""
                {"id":"msg_02","type":"message","role":"assistant","content":[
                  {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"Paris"}},
                  {"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"location":"Tokyo","unit":"c"}}],
                 "stop_reason":"tool_use","usage":{"input_tokens":5,"output_tokens":20}}""");
        JsonNode message = json(t.body()).get("choices").get(0).get("message");
        assertThat(message).isEqualTo(json("""
                        {"role":"assistant","content":null,"tool_calls":[
                          {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}},
                          {"id":"toolu_2","type":"function","function":{"name":"get_weather",
                            "arguments":"{\\"location\\":\\"Tokyo\\",\\"unit\\":\\"c\\"}"}}]}"""));
        assertThat(json(t.body()).get("choices").get(0).get("finish_reason").stringValue())
                .isEqualTo("tool_calls");
    }

    @Test
    void mapsThinkingToReasoningContentAndDropsRedactedThinking() {
        Translated t = response("""
                {"id":"msg_03","type":"message","role":"assistant","content":[
                  {"type":"thinking","thinking":"2+2 is 4.","signature":"EqQB"},
                  {"type":"redacted_thinking","data":"secret"},
                  {"type":"text","text":"4"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":9}}""");
        JsonNode message = json(t.body()).get("choices").get(0).get("message");
        assertThat(message)
                .isEqualTo(json("{\"role\":\"assistant\",\"content\":\"4\",\"reasoning_content\":\"2+2 is 4.\"}"));
        assertThat(new String(t.body(), StandardCharsets.UTF_8))
                .doesNotContain("secret")
                .doesNotContain("EqQB");
    }

    @Test
    void countsCacheTokensIntoPromptTokensButReportsTheUpstreamFigures() {
        Translated t = response("""
                {"id":"msg_04","type":"message","role":"assistant","content":[{"type":"text","text":"ok"}],
                 "stop_reason":"end_turn","usage":{"input_tokens":50,"cache_creation_input_tokens":200,
                  "cache_read_input_tokens":1000,"output_tokens":7}}""");
        assertThat(json(t.body()).get("usage")).isEqualTo(json("""
                        {"prompt_tokens":1250,"completion_tokens":7,"total_tokens":1257,
                         "prompt_tokens_details":{"cached_tokens":1000}}"""));
        assertThat(t.usage()).isEqualTo(new TokenUsage(50, 7, 1000, 200, false));
    }

    @Test
    void mapsStopReasons() {
        Map<String, String> cases = Map.of(
                "\"end_turn\"", "stop",
                "\"stop_sequence\"", "stop",
                "\"max_tokens\"", "length",
                "\"tool_use\"", "tool_calls",
                "\"pause_turn\"", "stop",
                "\"refusal\"", "content_filter",
                "null", "stop");
        cases.forEach((reason, expected) -> {
            Translated t = response(
                    "{\"id\":\"m\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}],\"stop_reason\":" + reason + "}");
            assertThat(json(t.body()).get("choices").get(0).get("finish_reason").stringValue())
                    .as(reason)
                    .isEqualTo(expected);
        });
    }

    @Test
    void reportsNoUsageWhenTheUpstreamGaveNone() {
        Translated t = response("{\"id\":\"m\",\"content\":[],\"stop_reason\":\"end_turn\"}");
        assertThat(t.usage()).isNull();
        assertThat(json(t.body()).has("usage")).isFalse();
        assertThat(json(t.body())
                        .get("choices")
                        .get(0)
                        .get("message")
                        .get("content")
                        .isNull())
                .isTrue();
    }

    @Test
    void refusesAnUpstreamBodyThatIsNotAMessage() {
        for (String body : new String[] {"<html>oops</html>", "[]", "{\"type\":\"error\",\"error\":{}}", ""}) {
            assertThatThrownBy(() -> OpenAiOverAnthropic.response(bytes(body), "gpt-4o", 1L))
                    .as(body)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private static JsonNode request(String chatBody) {
        return json(raw(chatBody));
    }

    private static byte[] raw(String chatBody) {
        return OpenAiOverAnthropic.request(bytes(chatBody), "claude-sonnet-4-5", 4096);
    }

    private static Translated response(String messageBody) {
        return OpenAiOverAnthropic.response(bytes(messageBody), "gpt-4o", 1_700_000_000L);
    }

    private static void assertBadRequest(ThrowingCallable call, String param, String messagePart) {
        assertThatThrownBy(call)
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((BadRequestException) e).param()).isEqualTo(param));
    }

    private static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    private static JsonNode json(byte[] b) {
        return JSON.readTree(b);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
