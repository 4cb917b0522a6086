package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.gateway.translate.ToolEmulation;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Channel degradations end to end against a simulated model that has no native tools ({@code x-sim-no-tools}: 400 on
 * {@code tools}, but it follows the relay's prompt contract) or no vision ({@code x-sim-vision: false}: 400 on
 * images): tool emulation turns the model's action block into real tool calls for both client APIs, image fallback
 * sends an {@code [image]} placeholder, and without them the edge refuses before anything goes upstream.
 */
class ToolEmulationIntegrationTests extends EdgeApiTestSupport {

    private static final String OPENAI_TOOLS =
            ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                    + "\"description\":\"Current weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":"
                    + "{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
    private static final String ANTHROPIC_TOOLS =
            ",\"tools\":[{\"name\":\"get_weather\",\"description\":\"Current weather\","
                    + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";
    private static final String PNG =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private static Map<String, Boolean> emulation() {
        return Map.of("tools", false, "toolEmulation", true);
    }

    private static String openAiWeather(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]" + OPENAI_TOOLS
                + "}";
    }

    private static String anthropicWeather(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":256,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Rome?\"}]" + ANTHROPIC_TOOLS
                + "}";
    }

    /** What the simulator received: no native tools, the contract in the system prompt. */
    private void assertEmulatedUpstream(String sc, int expected) {
        List<JsonNode> bodies = simBodies(sc);
        assertThat(bodies).hasSize(expected);
        for (JsonNode sent : bodies) {
            assertThat(sent.has("tools")).as(sent.toString()).isFalse();
            assertThat(sent.has("tool_choice")).isFalse();
            JsonNode system = sent.at("/messages/0");
            assertThat(system.get("role").asString()).isEqualTo("system");
            assertThat(system.get("content").asString())
                    .contains(ToolEmulation.MARKER)
                    .contains("<tools>")
                    .contains("\"name\":\"get_weather\"")
                    .contains("<tool_calls>");
        }
    }

    @Test
    void turnsTheModelsActionBlockIntoRealToolCallsForAnOpenAiClient() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-te-1",
                "OPENAI",
                Map.of("x-sim-scenario-id", sc, "x-sim-no-tools", "true"),
                emulation());
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = post("/v1/chat/completions", key, openAiWeather(model, false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = json(r.body()).at("/choices/0");
        assertThat(choice.get("finish_reason").asString()).isEqualTo("tool_calls");
        JsonNode call = choice.at("/message/tool_calls/0");
        assertThat(call.get("id").asString()).startsWith("call_");
        assertThat(call.get("type").asString()).isEqualTo("function");
        assertThat(call.at("/function/name").asString()).isEqualTo("get_weather");
        assertThat(json(call.at("/function/arguments").asString()).get("city").asString())
                .isEqualTo("sim-city");
        assertThat(choice.at("/message/tool_calls")).hasSize(1);
        assertThat(choice.at("/message/content").isNull()
                        || choice.at("/message/content").asString().isBlank())
                .as(r.body())
                .isTrue();
        assertThat(r.body()).doesNotContain("<tool_calls>");
        assertThat(json(r.body()).get("model").asString()).isEqualTo(model);
        assertEmulatedUpstream(sc, 1);

        // the tool result goes back as text; the model answers in prose
        String continuation = "{\"model\":\"" + model + "\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + call.get("id").asString()
                + "\",\"content\":\"sunny, 21C\"}]"
                + OPENAI_TOOLS + "}";
        HttpResponse<String> done = post("/v1/chat/completions", key, continuation);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        JsonNode answer = json(done.body()).at("/choices/0");
        assertThat(answer.get("finish_reason").asString()).isEqualTo("stop");
        assertThat(answer.at("/message/content").asString()).startsWith("This is a simulated reply");
        assertThat(answer.at("/message/tool_calls").isMissingNode()
                        || answer.at("/message/tool_calls").isEmpty())
                .isTrue();
        assertEmulatedUpstream(sc, 2);
        JsonNode sent = simBodies(sc).get(1);
        String history = sent.get("messages").toString();
        assertThat(history)
                .contains("<tool_calls>")
                .contains("get_weather")
                .contains("<tool_result")
                .contains(call.get("id").asString())
                .contains("sunny, 21C");
        for (JsonNode m : sent.get("messages")) {
            assertThat(m.get("role").asString()).isNotEqualTo("tool");
            assertThat(m.has("tool_calls")).isFalse();
        }
    }

    @Test
    void streamsEmulatedToolCallsAsToolCallDeltasForAnOpenAiClient() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-te-2",
                "OPENAI",
                Map.of("x-sim-scenario-id", sc, "x-sim-no-tools", "true", "x-sim-chunks", "7"),
                emulation());
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = post("/v1/chat/completions", key, openAiWeather(model, true));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(r.body())
                .endsWith("data: [DONE]\n\n")
                .doesNotContain("<tool_calls>")
                .doesNotContain("\"error\"");
        StringBuilder arguments = new StringBuilder();
        StringBuilder text = new StringBuilder();
        String name = null;
        String id = null;
        String finish = null;
        for (JsonNode chunk : sseData(r.body())) {
            assertThat(chunk.get("object").asString()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("model").asString()).isEqualTo(model);
            JsonNode choice = chunk.at("/choices/0");
            if (choice.isMissingNode()) {
                continue;
            }
            JsonNode delta = choice.get("delta");
            if (delta.path("content").isString()) {
                text.append(delta.get("content").asString());
            }
            for (JsonNode tc : delta.path("tool_calls")) {
                assertThat(tc.get("index").asInt()).isZero();
                if (tc.has("id")) {
                    id = tc.get("id").asString();
                }
                if (tc.at("/function/name").isString()) {
                    name = tc.at("/function/name").asString();
                }
                arguments.append(tc.at("/function/arguments").asString(""));
            }
            if (choice.path("finish_reason").isString()) {
                finish = choice.get("finish_reason").asString();
            }
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(id).startsWith("call_");
        assertThat(json(arguments.toString()).get("city").asString()).isEqualTo("sim-city");
        assertThat(finish).isEqualTo("tool_calls");
        assertThat(text.toString()).isBlank();
        assertEmulatedUpstream(sc, 1);
    }

    @Test
    void turnsTheActionBlockIntoToolUseBlocksForAnAnthropicClient() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-te-3",
                "OPENAI",
                Map.of("x-sim-scenario-id", sc, "x-sim-no-tools", "true"),
                emulation());
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = anthropic("/v1/messages", key, anthropicWeather(model, false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode msg = json(r.body());
        assertThat(msg.get("type").asString()).isEqualTo("message");
        assertThat(msg.get("model").asString()).isEqualTo(model);
        assertThat(msg.get("stop_reason").asString()).isEqualTo("tool_use");
        JsonNode toolUse = null;
        for (JsonNode block : msg.get("content")) {
            if (block.get("type").asString().equals("tool_use")) {
                toolUse = block;
            } else {
                assertThat(block.path("text").asString("")).doesNotContain("<tool_calls>");
            }
        }
        assertThat(toolUse).as(r.body()).isNotNull();
        assertThat(toolUse.get("name").asString()).isEqualTo("get_weather");
        assertThat(toolUse.at("/input/city").asString()).isEqualTo("sim-city");
        assertThat(toolUse.get("id").asString()).isNotBlank();
        assertEmulatedUpstream(sc, 1);

        // continuation with the tool result → a text answer
        String continuation = "{\"model\":\"" + model + "\",\"max_tokens\":256,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"What is the weather in Rome?\"},"
                + "{\"role\":\"assistant\",\"content\":[" + toolUse + "]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\""
                + toolUse.get("id").asString() + "\",\"content\":\"cloudy, 17C\"}]}]" + ANTHROPIC_TOOLS + "}";
        HttpResponse<String> done = anthropic("/v1/messages", key, continuation);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        JsonNode answer = json(done.body());
        assertThat(answer.get("stop_reason").asString()).isEqualTo("end_turn");
        assertThat(answer.at("/content/0/type").asString()).isEqualTo("text");
        assertThat(answer.at("/content/0/text").asString()).startsWith("This is a simulated reply");
        assertEmulatedUpstream(sc, 2);
        assertThat(simBodies(sc).get(1).get("messages").toString())
                .contains("<tool_result")
                .contains("cloudy, 17C");
    }

    @Test
    void streamsEmulatedToolCallsAsToolUseEventsForAnAnthropicClient() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-te-4",
                "OPENAI",
                Map.of("x-sim-scenario-id", sc, "x-sim-no-tools", "true", "x-sim-chunks", "6"),
                emulation());
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = anthropic("/v1/messages", key, anthropicWeather(model, true));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> events = sseEvents(r.body());
        assertThat(events.getFirst()).isEqualTo("message_start");
        assertThat(events.getLast()).isEqualTo("message_stop");
        assertThat(events).doesNotContain("error");
        assertThat(r.body()).doesNotContain("<tool_calls>");
        String name = null;
        String stopReason = null;
        StringBuilder json = new StringBuilder();
        for (JsonNode e : sseData(r.body())) {
            switch (e.get("type").asString()) {
                case "content_block_start" -> {
                    if (e.at("/content_block/type").asString().equals("tool_use")) {
                        name = e.at("/content_block/name").asString();
                        assertThat(e.at("/content_block/id").asString()).isNotBlank();
                    }
                }
                case "content_block_delta" -> {
                    if (e.at("/delta/type").asString().equals("input_json_delta")) {
                        json.append(e.at("/delta/partial_json").asString());
                    } else if (e.at("/delta/type").asString().equals("text_delta")) {
                        assertThat(e.at("/delta/text").asString()).doesNotContain("<tool_calls");
                    }
                }
                case "message_delta" -> stopReason = e.at("/delta/stop_reason").asString();
                default -> {}
            }
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(json(json.toString()).get("city").asString()).isEqualTo("sim-city");
        assertThat(stopReason).isEqualTo("tool_use");
        assertEmulatedUpstream(sc, 1);
    }

    @Test
    void emulatesParallelAndForcedToolCallsAndHonoursToolChoiceNone() {
        String model = uniqueModel();
        String sc = scenario();
        String scParallel = scenario();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-te-9",
                "OPENAI",
                Map.of("x-sim-scenario-id", sc, "x-sim-no-tools", "true"),
                emulation());
        String parallel = uniqueModel();
        newChannel(
                parallel,
                "sim-gpt-4o",
                "sk-te-10",
                "OPENAI",
                Map.of("x-sim-scenario-id", scParallel, "x-sim-no-tools", "true", "x-sim-parallel-tools", "2"),
                emulation());
        String key = newClientKey();
        awaitModelVisible(key, model);
        awaitModelVisible(key, parallel);
        String twoTools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"zone\":{\"type\":\"string\",\"enum\":[\"UTC\",\"CET\"]}},\"required\":[\"zone\"]}}}]";

        // a named tool_choice: the contract requires that tool, and the model calls it without being asked
        String forced = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]"
                + twoTools + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}}";
        HttpResponse<String> f = post("/v1/chat/completions", key, forced);
        assertThat(f.statusCode()).as(f.body()).isEqualTo(200);
        assertThat(json(f.body()).at("/choices/0/message/tool_calls")).hasSize(1);
        assertThat(json(f.body())
                        .at("/choices/0/message/tool_calls/0/function/name")
                        .asString())
                .isEqualTo("get_time");
        assertThat(json(json(f.body())
                                .at("/choices/0/message/tool_calls/0/function/arguments")
                                .asString())
                        .get("zone")
                        .asString())
                .isEqualTo("UTC");
        String contract = simBodies(sc).getLast().at("/messages/0/content").asString();
        assertThat(contract).contains("You must call the tool \"get_time\"").doesNotContain("\"name\":\"get_weather\"");

        // tool_choice none: no contract offered, a plain answer even to a weather question
        String none = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"weather in Oslo?\"}]"
                + twoTools + ",\"tool_choice\":\"none\"}";
        HttpResponse<String> n = post("/v1/chat/completions", key, none);
        assertThat(n.statusCode()).as(n.body()).isEqualTo(200);
        assertThat(json(n.body()).at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        assertThat(json(n.body()).at("/choices/0/message/content").asString()).startsWith("This is a simulated reply");
        JsonNode sentNone = simBodies(sc).getLast();
        assertThat(sentNone.has("tools")).isFalse();
        assertThat(sentNone.has("tool_choice")).isFalse();
        assertThat(sentNone.toString()).doesNotContain("<tools>");

        // several calls in one block, non-streamed and streamed
        String both = "{\"model\":\"" + parallel
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"weather and time?\"}]" + twoTools + "}";
        JsonNode calls = json(post("/v1/chat/completions", key, both).body()).at("/choices/0/message/tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.findValuesAsString("name")).containsExactly("get_weather", "get_time");
        assertThat(calls.get(0).get("id").asString())
                .isNotEqualTo(calls.get(1).get("id").asString());
        String streamed = post("/v1/chat/completions", key, both.replace("{\"model\"", "{\"stream\":true,\"model\""))
                .body();
        List<String> names = new java.util.ArrayList<>();
        java.util.Set<Integer> indexes = new java.util.TreeSet<>();
        for (JsonNode chunk : sseData(streamed)) {
            for (JsonNode tc : chunk.at("/choices/0/delta/tool_calls")) {
                indexes.add(tc.get("index").asInt());
                if (tc.at("/function/name").isString()) {
                    names.add(tc.at("/function/name").asString());
                }
            }
        }
        assertThat(names).containsExactly("get_weather", "get_time");
        assertThat(indexes).containsExactly(0, 1);
        assertThat(streamed).endsWith("data: [DONE]\n\n").doesNotContain("<tool_calls>");
    }

    @Test
    void keepsTheModelsReasoningNextToEmulatedToolCalls() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-te-11",
                "OPENAI",
                Map.of("x-sim-scenario-id", sc, "x-sim-no-tools", "true", "x-sim-reasoning", "true"),
                emulation());
        String key = newClientKey();
        awaitModelVisible(key, model);

        JsonNode message = json(post("/v1/chat/completions", key, openAiWeather(model, false))
                        .body())
                .at("/choices/0/message");
        assertThat(message.get("reasoning_content").asString()).startsWith("Thinking about message");
        assertThat(message.at("/tool_calls/0/function/name").asString()).isEqualTo("get_weather");

        String stream =
                post("/v1/chat/completions", key, openAiWeather(model, true)).body();
        StringBuilder reasoning = new StringBuilder();
        boolean called = false;
        for (JsonNode chunk : sseData(stream)) {
            reasoning.append(chunk.at("/choices/0/delta/reasoning_content").asString(""));
            called |= chunk.at("/choices/0/delta/tool_calls/0/function/name")
                    .asString("")
                    .equals("get_weather");
        }
        assertThat(reasoning.toString())
                .isEqualTo(message.get("reasoning_content").asString());
        assertThat(called).isTrue();

        JsonNode msg = json(
                anthropic("/v1/messages", key, anthropicWeather(model, false)).body());
        assertThat(msg.at("/content/0/type").asString()).isEqualTo("thinking");
        assertThat(msg.at("/content/0/thinking").asString()).startsWith("Thinking about message");
        assertThat(msg.get("content").findValuesAsString("type")).contains("tool_use");
        assertThat(msg.get("stop_reason").asString()).isEqualTo("tool_use");

        String events =
                anthropic("/v1/messages", key, anthropicWeather(model, true)).body();
        List<String> blocks = new java.util.ArrayList<>();
        for (JsonNode e : sseData(events)) {
            if (e.get("type").asString().equals("content_block_start")) {
                blocks.add(e.at("/content_block/type").asString());
            }
        }
        assertThat(blocks).first().isEqualTo("thinking");
        assertThat(blocks).contains("tool_use");
        assertThat(events).doesNotContain("<tool_calls>").contains("event: message_stop");
    }

    @Test
    void refusesToolsWithoutEmulationBeforeReachingTheUpstream() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-te-5",
                "OPENAI",
                Map.of("x-sim-scenario-id", sc, "x-sim-no-tools", "true"),
                Map.of("tools", false, "toolEmulation", false));
        String key = newClientKey();
        awaitModelVisible(key, model);

        for (boolean stream : List.of(false, true)) {
            JsonNode e = assertOpenAiError(
                    post("/v1/chat/completions", key, openAiWeather(model, stream)),
                    400,
                    "invalid_request_error",
                    "unsupported_endpoint");
            assertThat(e.get("message").asString()).contains("tools");
            JsonNode a = assertAnthropicError(
                    anthropic("/v1/messages", key, anthropicWeather(model, stream)), 400, "invalid_request_error");
            assertThat(a.get("message").asString()).contains("tools");
        }
        assertThat(simRequests(sc)).isEmpty();

        // without tools the channel serves as usual
        assertThat(post("/v1/chat/completions", key, chat(model, false, "What is the weather?"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(simRequests(sc)).hasSize(1);
    }

    @Test
    void sendsAnImagePlaceholderToATextOnlyModelWithImageFallback() {
        String viaOpenAi = uniqueModel();
        String viaAnthropic = uniqueModel();
        String scO = scenario();
        String scA = scenario();
        Map<String, Boolean> fallback = Map.of("vision", false, "imageFallback", true);
        newChannel(
                viaOpenAi,
                "sim-gpt-4o",
                "sk-te-6",
                "OPENAI",
                Map.of("x-sim-scenario-id", scO, "x-sim-vision", "false"),
                fallback);
        newChannel(
                viaAnthropic,
                "sim-claude-sonnet",
                "sk-te-7",
                "ANTHROPIC",
                Map.of("x-sim-scenario-id", scA, "x-sim-vision", "false"),
                fallback);
        String key = newClientKey();
        awaitModelVisible(key, viaOpenAi);
        awaitModelVisible(key, viaAnthropic);

        for (String model : List.of(viaOpenAi, viaAnthropic)) {
            for (boolean stream : List.of(false, true)) {
                HttpResponse<String> o = post("/v1/chat/completions", key, openAiImage(model, stream));
                assertThat(o.statusCode()).as(o.body()).isEqualTo(200);
                assertThat(o.body()).doesNotContain("\"error\"");
                HttpResponse<String> a = anthropic("/v1/messages", key, anthropicImage(model, stream));
                assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
                assertThat(a.body()).doesNotContain("\"error\"").doesNotContain("event: error");
            }
        }

        List<JsonNode> sentO = simBodies(scO);
        assertThat(sentO).hasSize(4);
        for (JsonNode sent : sentO) {
            String s = sent.toString();
            assertThat(s)
                    .doesNotContain("image_url")
                    .doesNotContain(PNG.substring(0, 30))
                    .contains("[image]");
            assertThat(sent.at("/messages/0/content/0/text").asString()).isEqualTo("what is this?");
            assertThat(sent.at("/messages/0/content/1/type").asString()).isEqualTo("text");
            assertThat(sent.at("/messages/0/content/1/text").asString()).isEqualTo("[image]");
        }
        List<JsonNode> sentA = simBodies(scA);
        assertThat(sentA).hasSize(4);
        for (JsonNode sent : sentA) {
            String s = sent.toString();
            assertThat(s)
                    .doesNotContain("\"image\"")
                    .doesNotContain(PNG.substring(0, 30))
                    .contains("[image]");
            assertThat(sent.at("/messages/0/content/1/type").asString()).isEqualTo("text");
            assertThat(sent.at("/messages/0/content/1/text").asString()).isEqualTo("[image]");
        }
    }

    @Test
    void refusesImagesForATextOnlyModelWithoutFallbackBeforeReachingTheUpstream() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-te-8",
                "OPENAI",
                Map.of("x-sim-scenario-id", sc, "x-sim-vision", "false"),
                Map.of("vision", false, "imageFallback", false));
        String key = newClientKey();
        awaitModelVisible(key, model);

        for (boolean stream : List.of(false, true)) {
            JsonNode e = assertOpenAiError(
                    post("/v1/chat/completions", key, openAiImage(model, stream)),
                    400,
                    "invalid_request_error",
                    "unsupported_endpoint");
            assertThat(e.get("message").asString()).contains("image");
            JsonNode a = assertAnthropicError(
                    anthropic("/v1/messages", key, anthropicImage(model, stream)), 400, "invalid_request_error");
            assertThat(a.get("message").asString()).contains("image");
        }
        assertThat(simRequests(sc)).isEmpty();
        assertThat(post("/v1/chat/completions", key, chat(model, false, "text only"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(simRequests(sc)).hasSize(1);
    }

    private static String openAiImage(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + PNG + "\"}}]}]}";
    }

    private static String anthropicImage(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"" + PNG
                + "\"}}]}]}";
    }
}
