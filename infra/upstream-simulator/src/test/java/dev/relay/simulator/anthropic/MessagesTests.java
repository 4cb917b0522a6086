package dev.relay.simulator.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

class MessagesTests extends SimulatorHttpSupport {

    private static final String HELLO = """
            {"model":"sim-claude-sonnet","max_tokens":256,"system":"You are terse",
             "messages":[{"role":"user","content":"Hello there"}]}""";
    private static final String WEATHER_TOOL = """
            "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object",
              "properties":{"location":{"type":"string"}},"required":["location"]}}]""";

    @Test
    void nonStreamedMessage() {
        JsonNode message = json(bodyOf(anthropic("/v1/messages", HELLO)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .exists("request-id")));

        assertThat(message.path("id").stringValue()).startsWith("msg_");
        assertThat(message.path("type").stringValue()).isEqualTo("message");
        assertThat(message.path("role").stringValue()).isEqualTo("assistant");
        assertThat(message.path("model").stringValue()).isEqualTo("sim-claude-sonnet");
        assertThat(message.path("stop_reason").stringValue()).isEqualTo("end_turn");
        assertThat(message.path("content").get(0).path("type").stringValue()).isEqualTo("text");
        assertThat(message.path("content").get(0).path("text").stringValue()).contains("sim-claude-sonnet");
        assertThat(message.path("usage").path("input_tokens").intValue()).isEqualTo(5);
        assertThat(message.path("usage").path("output_tokens").intValue()).isEqualTo(10);
        assertThat(message.path("usage").has("cache_read_input_tokens")).isFalse();
    }

    @Test
    void streamFollowsTheCanonicalEventOrder() {
        List<Sse> events =
                sse(bodyOf(anthropic("/v1/messages", HELLO.replace("{\"model\"", "{\"stream\":true,\"model\""))
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectHeader()
                        .contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)));

        assertThat(events)
                .extracting(Sse::event)
                .containsExactly(
                        "message_start",
                        "content_block_start",
                        "ping",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        events.forEach(
                event -> assertThat(event.json().path("type").stringValue()).isEqualTo(event.event()));
        JsonNode start = events.getFirst().json().path("message");
        assertThat(start.path("usage").path("input_tokens").intValue()).isEqualTo(5);
        assertThat(start.path("content").isEmpty()).isTrue();
        StringBuilder text = new StringBuilder();
        for (Sse event : events.subList(3, 8)) {
            JsonNode delta = event.json().path("delta");
            assertThat(delta.path("type").stringValue()).isEqualTo("text_delta");
            text.append(delta.path("text").stringValue());
        }
        String nonStreamed = json(bodyOf(anthropic("/v1/messages", HELLO).exchange()))
                .path("content")
                .get(0)
                .path("text")
                .stringValue();
        assertThat(text.toString()).isEqualTo(nonStreamed);
        JsonNode messageDelta = events.get(9).json();
        assertThat(messageDelta.path("delta").path("stop_reason").stringValue()).isEqualTo("end_turn");
        assertThat(messageDelta.path("usage").path("output_tokens").intValue()).isEqualTo(10);
    }

    @Test
    void weatherToolIsStreamedAsToolUseWithInputJsonDeltas() {
        String body = """
                {"model":"m","max_tokens":100,"stream":true,
                 "messages":[{"role":"user","content":[{"type":"text","text":"What is the weather in Oslo?"}]}],%s}""".formatted(WEATHER_TOOL);

        List<Sse> events = sse(
                bodyOf(anthropic("/v1/messages", body).exchange().expectStatus().isOk()));

        assertThat(events.getFirst().event()).isEqualTo("message_start");
        assertThat(events.get(1).event()).isEqualTo("content_block_start");
        JsonNode block = events.get(1).json().path("content_block");
        assertThat(block.path("type").stringValue()).isEqualTo("tool_use");
        assertThat(block.path("id").stringValue()).startsWith("toolu_");
        assertThat(block.path("name").stringValue()).isEqualTo("get_weather");
        assertThat(block.path("input").isEmpty()).isTrue();
        StringBuilder partial = new StringBuilder();
        int deltas = 0;
        for (Sse event : events) {
            if (event.event().equals("content_block_delta")) {
                JsonNode delta = event.json().path("delta");
                assertThat(delta.path("type").stringValue()).isEqualTo("input_json_delta");
                partial.append(delta.path("partial_json").stringValue());
                deltas++;
            }
        }
        assertThat(deltas).isGreaterThan(2);
        assertThat(json(partial.toString()).path("location").stringValue()).isEqualTo("sim-location");
        assertThat(events.get(events.size() - 2)
                        .json()
                        .path("delta")
                        .path("stop_reason")
                        .stringValue())
                .isEqualTo("tool_use");
        assertThat(events.getLast().event()).isEqualTo("message_stop");
    }

    @Test
    void toolChoiceAnyGivesNonStreamedToolUseAndToolResultEndsTheLoop() {
        String forced = """
                {"model":"m","max_tokens":100,"tool_choice":{"type":"any"},
                 "messages":[{"role":"user","content":"hi"}],%s}""".formatted(WEATHER_TOOL);
        JsonNode message = json(bodyOf(anthropic("/v1/messages", forced).exchange()));
        assertThat(message.path("stop_reason").stringValue()).isEqualTo("tool_use");
        JsonNode toolUse = message.path("content").get(0);
        assertThat(toolUse.path("type").stringValue()).isEqualTo("tool_use");
        assertThat(toolUse.path("input").path("location").stringValue()).isEqualTo("sim-location");

        String afterTool = """
                {"model":"m","max_tokens":100,"messages":[
                 {"role":"user","content":"weather in Oslo?"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather",
                   "input":{"location":"Oslo"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"rainy"}]}],%s}""".formatted(WEATHER_TOOL);
        assertThat(json(bodyOf(anthropic("/v1/messages", afterTool).exchange()))
                        .path("stop_reason")
                        .stringValue())
                .isEqualTo("end_turn");
    }

    @Test
    void cacheHeadersAddCacheUsage() {
        JsonNode usage = json(bodyOf(anthropic("/v1/messages", HELLO)
                        .header("x-sim-cache-read", "42")
                        .exchange()))
                .path("usage");

        assertThat(usage.path("cache_read_input_tokens").intValue()).isEqualTo(42);
        assertThat(usage.path("cache_creation_input_tokens").intValue()).isZero();
        assertThat(usage.path("input_tokens").intValue()).isEqualTo(5);
    }

    @Test
    void countTokensMatchesTheMessagesInputTokens() {
        anthropic("/v1/messages/count_tokens", HELLO)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .json("{\"input_tokens\":5}", true);
    }

    @Test
    void badKeyGetsAnthropicAuthenticationError() {
        client.post()
                .uri("/v1/messages")
                .header("x-api-key", "sk-bad")
                .bodyValue(HELLO)
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .json(
                        "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}",
                        true);
    }

    @Test
    void acceptsRequestsWithoutAnthropicVersionAndRecordsIt() {
        client.post()
                .uri("/v1/messages")
                .header("x-api-key", ANTHROPIC_KEY)
                .header("x-sim-scenario-id", scenarioId)
                .bodyValue(HELLO)
                .exchange()
                .expectStatus()
                .isOk();
        anthropic("/v1/messages", HELLO).exchange().expectStatus().isOk();

        JsonNode recorded = recorded();
        assertThat(recorded.get(0).path("headers").has("anthropic-version")).isFalse();
        assertThat(recorded.get(1)
                        .path("headers")
                        .path("anthropic-version")
                        .get(0)
                        .stringValue())
                .isEqualTo("2023-06-01");
    }
}
