package dev.relay.simulator.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

class ChatCompletionsTests extends SimulatorHttpSupport {

    private static final String HELLO = """
            {"model":"my-model","messages":[{"role":"system","content":"Be brief"},
             {"role":"user","content":"Hello there, simulator"}]}""";
    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
              "properties":{"location":{"type":"string"}},"required":["location"]}}},
             {"type":"function","function":{"name":"get_time","parameters":{"type":"object",
              "properties":{"zone":{"type":"string"}}}}}]""";

    @Test
    void nonStreamedReplyIsDeterministicWithWordCountUsage() {
        JsonNode first = json(bodyOf(openAi("/v1/chat/completions", HELLO)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType(MediaType.APPLICATION_JSON)));
        JsonNode second = json(bodyOf(openAi("/v1/chat/completions", HELLO).exchange()));

        assertThat(first.path("object").stringValue()).isEqualTo("chat.completion");
        assertThat(first.path("id").stringValue()).startsWith("chatcmpl-");
        assertThat(first.path("model").stringValue()).isEqualTo("my-model");
        JsonNode choice = first.path("choices").get(0);
        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("stop");
        assertThat(choice.path("message").path("role").stringValue()).isEqualTo("assistant");
        String content = choice.path("message").path("content").stringValue();
        assertThat(content).contains("my-model");
        assertThat(second.path("choices").get(0).path("message").path("content").stringValue())
                .isEqualTo(content);
        JsonNode usage = first.path("usage");
        assertThat(usage.path("prompt_tokens").intValue()).isEqualTo(5);
        assertThat(usage.path("completion_tokens").intValue()).isEqualTo(10);
        assertThat(usage.path("total_tokens").intValue()).isEqualTo(15);
    }

    @Test
    void streamSendsRoleContentChunksFinishUsageAndDone() {
        String body =
                HELLO.replace("{\"model\"", "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"model\"");

        String raw = bodyOf(openAi("/v1/chat/completions", body)
                .header("x-sim-chunks", "4")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM));
        List<Sse> events = sse(raw);

        assertThat(events).hasSize(1 + 4 + 1 + 1 + 1);
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        List<JsonNode> chunks =
                events.subList(0, events.size() - 1).stream().map(Sse::json).toList();
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.path("object").stringValue()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("model").stringValue()).isEqualTo("my-model");
        });
        assertThat(chunks.getFirst()
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("role")
                        .stringValue())
                .isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks.subList(1, 5)) {
            text.append(
                    chunk.path("choices").get(0).path("delta").path("content").stringValue());
            assertThat(chunk.path("usage").isNull()).isTrue();
        }
        JsonNode nonStreamed = json(bodyOf(openAi("/v1/chat/completions", HELLO)
                .header("x-sim-chunks", "4")
                .exchange()));
        assertThat(text.toString())
                .isEqualTo(nonStreamed
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .stringValue());
        assertThat(chunks.get(5).path("choices").get(0).path("finish_reason").stringValue())
                .isEqualTo("stop");
        JsonNode usageChunk = chunks.get(6);
        assertThat(usageChunk.path("choices").isEmpty()).isTrue();
        assertThat(usageChunk.path("usage").path("completion_tokens").intValue())
                .isEqualTo(10);
        assertThat(usageChunk.path("usage").path("prompt_tokens").intValue()).isEqualTo(5);
    }

    @Test
    void streamWithoutIncludeUsageHasNoUsageChunk() {
        String raw = bodyOf(openAi("/v1/chat/completions", HELLO.replace("{\"model\"", "{\"stream\":true,\"model\""))
                .exchange());

        List<Sse> events = sse(raw);
        assertThat(events).hasSize(1 + 5 + 1 + 1);
        assertThat(raw).doesNotContain("\"usage\"");
    }

    @Test
    void weatherQuestionWithToolsGetsAToolCall() {
        String body = """
                {"model":"m","messages":[{"role":"user","content":"What's the weather in Paris?"}],%s}""".formatted(TOOLS);

        JsonNode reply = json(bodyOf(openAi("/v1/chat/completions", body).exchange()));

        JsonNode choice = reply.path("choices").get(0);
        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("tool_calls");
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("id").stringValue()).startsWith("call_");
        assertThat(call.path("type").stringValue()).isEqualTo("function");
        assertThat(call.path("function").path("name").stringValue()).isEqualTo("get_weather");
        assertThat(json(call.path("function").path("arguments").stringValue())
                        .path("location")
                        .stringValue())
                .isEqualTo("sim-location");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
    }

    @Test
    void toolResultTurnGetsTextAndNoToolsMeansNoToolCall() {
        String afterTool = """
                {"model":"m","messages":[{"role":"user","content":"weather in Paris?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny"}],%s}""".formatted(TOOLS);
        assertThat(json(bodyOf(openAi("/v1/chat/completions", afterTool).exchange()))
                        .path("choices")
                        .get(0)
                        .path("finish_reason")
                        .stringValue())
                .isEqualTo("stop");

        String noTools = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}";
        assertThat(json(bodyOf(openAi("/v1/chat/completions", noTools)
                                .header("x-sim-tool-call", "true")
                                .exchange()))
                        .path("choices")
                        .get(0)
                        .path("finish_reason")
                        .stringValue())
                .isEqualTo("stop");
    }

    @Test
    void namedToolChoiceForcesThatTool() {
        String body = """
                {"model":"m","messages":[{"role":"user","content":"hi"}],
                 "tool_choice":{"type":"function","function":{"name":"get_time"}},%s}""".formatted(TOOLS);

        JsonNode call = json(bodyOf(openAi("/v1/chat/completions", body).exchange()))
                .path("choices")
                .get(0)
                .path("message")
                .path("tool_calls")
                .get(0);

        assertThat(call.path("function").path("name").stringValue()).isEqualTo("get_time");
    }

    @Test
    void streamedParallelToolCallsArriveAsIndexedDeltas() {
        String body = """
                {"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}],%s}""".formatted(TOOLS);

        List<Sse> events = sse(bodyOf(openAi("/v1/chat/completions", body)
                .header("x-sim-tool-call", "true")
                .header("x-sim-parallel-tools", "2")
                .header("x-sim-chunks", "3")
                .exchange()
                .expectStatus()
                .isOk()));

        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        Map<Integer, StringBuilder> arguments = new TreeMap<>();
        Map<Integer, String> names = new TreeMap<>();
        int fragments = 0;
        String finishReason = null;
        for (Sse event : events.subList(0, events.size() - 1)) {
            JsonNode choice = event.json().path("choices").get(0);
            if (!choice.path("finish_reason").isNull()) {
                finishReason = choice.path("finish_reason").stringValue();
            }
            for (JsonNode delta : choice.path("delta").path("tool_calls").values()) {
                int index = delta.path("index").intValue();
                if (delta.has("id")) {
                    assertThat(delta.path("id").stringValue()).startsWith("call_");
                    assertThat(delta.path("type").stringValue()).isEqualTo("function");
                    assertThat(delta.path("function").path("arguments").stringValue())
                            .isEmpty();
                    assertThat(arguments).doesNotContainKey(index);
                    names.put(index, delta.path("function").path("name").stringValue());
                    arguments.put(index, new StringBuilder());
                } else {
                    assertThat(delta.has("type")).isFalse();
                    arguments
                            .get(index)
                            .append(delta.path("function").path("arguments").stringValue());
                    fragments++;
                }
            }
        }
        assertThat(finishReason).isEqualTo("tool_calls");
        assertThat(names).containsExactly(Map.entry(0, "get_weather"), Map.entry(1, "get_time"));
        assertThat(fragments).isEqualTo(6);
        assertThat(json(arguments.get(0).toString()).path("location").stringValue())
                .isEqualTo("sim-location");
        assertThat(json(arguments.get(1).toString()).path("zone").stringValue()).isEqualTo("sim-zone-1");
    }

    @Test
    void malformedRequestsGetOpenAiShapedBadRequests() {
        openAi("/v1/chat/completions", "{not json")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("invalid_request_error");
        openAi("/v1/chat/completions", "{\"messages\":[]}")
                .exchange()
                .expectStatus()
                .isBadRequest();
    }
}
