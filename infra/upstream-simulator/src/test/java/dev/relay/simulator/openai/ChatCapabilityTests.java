package dev.relay.simulator.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import dev.relay.simulator.content.Hashing;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code x-sim-no-tools} with Relay's tool-emulation contract, {@code x-sim-reasoning} and {@code x-sim-vision}. */
class ChatCapabilityTests extends SimulatorHttpSupport {

    /** The system prompt section Relay's gateway writes for a channel without native tools. */
    private static final String CONTRACT = "# Tools (relay tool emulation)\n\n"
            + "You can call the following tools, listed one JSON object per line with the tool's name, description"
            + " and JSON Schema parameters:\n"
            + "<tools>\n"
            + "{\"name\":\"get_weather\",\"description\":\"Current weather\",\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}}\n"
            + "{\"name\":\"get_time\",\"parameters\":{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\"}}}}\n"
            + "</tools>\n\n"
            + "To call tools, answer with ONLY a block in exactly this format, with no other text before or after it:\n"
            + "<tool_calls>\n[{\"name\": \"<tool name>\", \"arguments\": {...}}]\n</tool_calls>\n"
            + "If no tool is needed, answer normally, without a <tool_calls> block.";

    private static final String WEATHER_BLOCK =
            "<tool_calls>\n[{\"name\":\"get_weather\",\"arguments\":{\"location\":\"sim-location\"}}]\n</tool_calls>";
    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
              "properties":{"location":{"type":"string"}},"required":["location"]}}}]""";

    @Test
    void rejectsNativeToolsWhenTheModelHasNone() {
        String body = """
                {"model":"m","messages":[{"role":"user","content":"weather?"}],%s}""".formatted(TOOLS);
        String expected = "{\"error\":{\"message\":\"tools are not supported by this model\","
                + "\"type\":\"invalid_request_error\",\"param\":\"tools\",\"code\":\"tools_unsupported\"}}";

        openAi("/v1/chat/completions", body)
                .header("x-sim-no-tools", "true")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .json(expected, true);
        client.post()
                .uri("/v1/chat/completions")
                .header("authorization", "Bearer sk-sim-no-tools")
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .json(expected, true);
        openAi("/v1/chat/completions", body).exchange().expectStatus().isOk();
    }

    @Test
    void followsTheEmulationContractWithAToolCallsTextBlock() {
        JsonNode reply = json(bodyOf(openAi("/v1/chat/completions", emulated(false, "What's the weather in Paris?"))
                .header("x-sim-no-tools", "true")
                .exchange()
                .expectStatus()
                .isOk()));

        JsonNode choice = reply.path("choices").get(0);
        assertThat(choice.path("message").path("content").stringValue()).isEqualTo(WEATHER_BLOCK);
        assertThat(choice.path("message").has("tool_calls")).isFalse();
        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("stop");
        assertThat(reply.path("usage").path("completion_tokens").intValue()).isEqualTo(3);
    }

    @Test
    void streamsTheToolCallsBlockSplitAcrossContentDeltas() {
        List<Sse> events = sse(bodyOf(openAi("/v1/chat/completions", emulated(true, "weather in Oslo, please"))
                .header("x-sim-no-tools", "true")
                .header("x-sim-chunks", "20")
                .exchange()
                .expectStatus()
                .isOk()));

        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        int deltas = 0;
        String finish = null;
        for (Sse event : events.subList(1, events.size() - 1)) {
            JsonNode choice = event.json().path("choices").get(0);
            assertThat(choice.path("delta").has("tool_calls")).isFalse();
            if (choice.path("delta").path("content").isString()) {
                text.append(choice.path("delta").path("content").stringValue());
                deltas++;
            }
            if (choice.path("finish_reason").isString()) {
                finish = choice.path("finish_reason").stringValue();
            }
        }
        assertThat(deltas).isEqualTo(20);
        String firstDelta = events.get(1)
                .json()
                .path("choices")
                .get(0)
                .path("delta")
                .path("content")
                .stringValue();
        assertThat("<tool_calls>")
                .as("the opening tag is split")
                .startsWith(firstDelta)
                .isNotEqualTo(firstDelta);
        assertThat(text.toString()).isEqualTo(WEATHER_BLOCK);
        assertThat(finish).isEqualTo("stop");
    }

    @Test
    void rotatesParallelCallsAndHonoursTheForcingHeader() {
        String content = json(bodyOf(openAi("/v1/chat/completions", emulated(false, "hello"))
                        .header("x-sim-tool-call", "true")
                        .header("x-sim-parallel-tools", "2")
                        .exchange()))
                .path("choices")
                .get(0)
                .path("message")
                .path("content")
                .stringValue();

        assertThat(content)
                .isEqualTo("<tool_calls>\n[{\"name\":\"get_weather\",\"arguments\":{\"location\":\"sim-location\"}},"
                        + "{\"name\":\"get_time\",\"arguments\":{\"zone\":\"sim-zone-1\"}}]\n</tool_calls>");
    }

    @Test
    void answersAToolResultAndAPromptWithoutTheMarkerWithText() {
        String afterResult = """
                {"model":"m","messages":[{"role":"system","content":%s},
                 {"role":"user","content":"weather in Paris?"},
                 {"role":"assistant","content":%s},
                 {"role":"user","content":"<tool_result tool_call_id=\\"call_1\\" name=\\"get_weather\\">\\nsunny\\n</tool_result>"}]}""".formatted(JSON.writeValueAsString(CONTRACT), JSON.writeValueAsString(WEATHER_BLOCK));
        String noMarker = """
                {"model":"m","messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"weather?"}]}""";

        String first = content(openAi("/v1/chat/completions", afterResult).header("x-sim-no-tools", "true"));
        String second = content(openAi("/v1/chat/completions", noMarker).header("x-sim-no-tools", "true"));

        assertThat(first).startsWith("This is a simulated reply from m to message ");
        assertThat(second).startsWith("This is a simulated reply from m to message ");
    }

    @Test
    void aContractThatRequiresANamedToolGetsThatTool() {
        String required = CONTRACT.replace(
                "If no tool is needed, answer normally, without a <tool_calls> block.",
                "You must call the tool \"get_time\" in this answer.");
        String body = """
                {"model":"m","messages":[{"role":"system","content":%s},{"role":"user","content":"hi"}]}""".formatted(JSON.writeValueAsString(required));

        assertThat(content(openAi("/v1/chat/completions", body)))
                .isEqualTo(
                        "<tool_calls>\n[{\"name\":\"get_time\",\"arguments\":{\"zone\":\"sim-zone\"}}]\n</tool_calls>");
    }

    @Test
    void reasoningPrecedesTheReplyAndCountsAsCompletionTokens() {
        String hello = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";
        String thought = "Thinking about message " + Hashing.hex8("Hello there") + ".";

        JsonNode reply = json(bodyOf(openAi("/v1/chat/completions", hello)
                .header("x-sim-reasoning", "true")
                .exchange()));
        List<Sse> events = sse(bodyOf(openAi(
                        "/v1/chat/completions",
                        hello.replace(
                                "{\"model\"", "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"model\""))
                .header("x-sim-reasoning", "true")
                .header("x-sim-chunks", "3")
                .exchange()));

        JsonNode message = reply.path("choices").get(0).path("message");
        assertThat(message.path("reasoning_content").stringValue()).isEqualTo(thought);
        assertThat(message.path("content").stringValue()).startsWith("This is a simulated reply");
        assertThat(reply.path("usage").path("completion_tokens").intValue()).isEqualTo(10 + 4);
        assertThat(reply.path("usage")
                        .path("completion_tokens_details")
                        .path("reasoning_tokens")
                        .intValue())
                .isEqualTo(4);
        assertThat(events).hasSize(1 + 3 + 3 + 1 + 1 + 1);
        StringBuilder reasoning = new StringBuilder();
        for (Sse event : events.subList(1, 4)) {
            JsonNode delta = event.json().path("choices").get(0).path("delta");
            assertThat(delta.has("content")).isFalse();
            reasoning.append(delta.path("reasoning_content").stringValue());
        }
        assertThat(reasoning.toString()).isEqualTo(thought);
        assertThat(events.get(4)
                        .json()
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("content")
                        .stringValue())
                .startsWith("This");
        assertThat(events.get(8).json().path("usage").path("completion_tokens").intValue())
                .isEqualTo(14);
    }

    @Test
    void reasoningAlsoPrecedesStreamedNativeToolCalls() {
        String body = """
                {"model":"m","stream":true,"messages":[{"role":"user","content":"weather in Rome?"}],%s}""".formatted(TOOLS);

        List<Sse> events = sse(bodyOf(openAi("/v1/chat/completions", body)
                .header("x-sim-reasoning", "true")
                .header("x-sim-chunks", "2")
                .exchange()));

        JsonNode first = events.get(0).json().path("choices").get(0).path("delta");
        assertThat(first.path("role").stringValue()).isEqualTo("assistant");
        assertThat(first.path("reasoning_content").stringValue()).startsWith("Thinking");
        assertThat(events.get(1).json().path("choices").get(0).path("delta").has("reasoning_content"))
                .isTrue();
        JsonNode call = events.get(2)
                .json()
                .path("choices")
                .get(0)
                .path("delta")
                .path("tool_calls")
                .get(0);
        assertThat(call.path("function").path("name").stringValue()).isEqualTo("get_weather");
    }

    @Test
    void aTextOnlyModelRejectsImageParts() {
        String image = """
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"what is it?"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}""";
        String text =
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"[image]\"}]}]}";

        openAi("/v1/chat/completions", image)
                .header("x-sim-vision", "false")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.message")
                .isEqualTo("image input is not supported by this model")
                .jsonPath("$.error.type")
                .isEqualTo("invalid_request_error");
        openAi("/v1/chat/completions", text)
                .header("x-sim-vision", "false")
                .exchange()
                .expectStatus()
                .isOk();
        openAi("/v1/chat/completions", image).exchange().expectStatus().isOk();
    }

    private static String emulated(boolean stream, String userText) {
        return "{\"model\":\"m\"," + (stream ? "\"stream\":true," : "") + "\"messages\":[{\"role\":\"system\","
                + "\"content\":" + JSON.writeValueAsString("Be brief.\n\n" + CONTRACT) + "},{\"role\":\"user\","
                + "\"content\":" + JSON.writeValueAsString(userText) + "}]}";
    }

    private static String content(org.springframework.test.web.reactive.server.WebTestClient.RequestHeadersSpec<?> r) {
        return json(bodyOf(r.exchange().expectStatus().isOk()))
                .path("choices")
                .get(0)
                .path("message")
                .path("content")
                .stringValue();
    }
}
