package dev.relay.simulator.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import dev.relay.simulator.content.Hashing;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code x-sim-reasoning} (thinking blocks) and {@code x-sim-vision: false} on {@code /v1/messages}. */
class MessagesCapabilityTests extends SimulatorHttpSupport {

    private static final String HELLO = """
            {"model":"sim-claude-sonnet","max_tokens":256,"messages":[{"role":"user","content":"Hello there"}]}""";
    private static final String THOUGHT = "Thinking about message " + Hashing.hex8("Hello there") + ".";

    @Test
    void reasoningPutsASignedThinkingBlockBeforeTheText() {
        JsonNode message = json(bodyOf(anthropic("/v1/messages", HELLO)
                .header("x-sim-reasoning", "true")
                .exchange()
                .expectStatus()
                .isOk()));

        JsonNode content = message.path("content");
        assertThat(content).hasSize(2);
        assertThat(content.get(0).toString())
                .isEqualTo("{\"type\":\"thinking\",\"thinking\":\"" + THOUGHT + "\",\"signature\":\"sim-signature\"}");
        assertThat(content.get(1).path("type").stringValue()).isEqualTo("text");
        assertThat(message.path("usage").path("output_tokens").intValue()).isEqualTo(10 + 4);
    }

    @Test
    void reasoningStreamsAThinkingBlockWithSignatureDeltaAndShiftsTheTextIndex() {
        List<Sse> events =
                sse(bodyOf(anthropic("/v1/messages", HELLO.replace("{\"model\"", "{\"stream\":true,\"model\""))
                        .header("x-sim-reasoning", "true")
                        .header("x-sim-chunks", "2")
                        .exchange()
                        .expectStatus()
                        .isOk()));

        assertThat(events)
                .extracting(Sse::event)
                .containsExactly(
                        "message_start",
                        "content_block_start",
                        "ping",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        assertThat(events.get(1).json().path("content_block").path("type").stringValue())
                .isEqualTo("thinking");
        String thinking = events.get(3).json().path("delta").path("thinking").stringValue()
                + events.get(4).json().path("delta").path("thinking").stringValue();
        assertThat(thinking).isEqualTo(THOUGHT);
        assertThat(events.get(3).json().path("delta").path("type").stringValue())
                .isEqualTo("thinking_delta");
        JsonNode signature = events.get(5).json().path("delta");
        assertThat(signature.path("type").stringValue()).isEqualTo("signature_delta");
        assertThat(signature.path("signature").stringValue()).isEqualTo("sim-signature");
        assertThat(events.get(6).json().path("index").intValue()).isZero();
        JsonNode textStart = events.get(7).json();
        assertThat(textStart.path("index").intValue()).isEqualTo(1);
        assertThat(textStart.path("content_block").path("type").stringValue()).isEqualTo("text");
        assertThat(events.get(8).json().path("index").intValue()).isEqualTo(1);
        assertThat(events.get(10).json().path("index").intValue()).isEqualTo(1);
        assertThat(events.get(11).json().path("usage").path("output_tokens").intValue())
                .isEqualTo(14);
    }

    @Test
    void reasoningShiftsStreamedToolUseBlocks() {
        String body = """
                {"model":"m","max_tokens":100,"stream":true,"tool_choice":{"type":"any"},
                 "messages":[{"role":"user","content":"hi"}],
                 "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"location":{"type":"string"}}}}]}""";

        List<Sse> events = sse(bodyOf(anthropic("/v1/messages", body)
                .header("x-sim-reasoning", "true")
                .exchange()));

        JsonNode toolStart = events.stream()
                .filter(e -> e.event().equals("content_block_start"))
                .map(Sse::json)
                .filter(j -> j.path("content_block").path("type").stringValue().equals("tool_use"))
                .findFirst()
                .orElseThrow();
        assertThat(toolStart.path("index").intValue()).isEqualTo(1);
        assertThat(events.stream().filter(e -> e.event().equals("ping"))).hasSize(1);
    }

    @Test
    void aTextOnlyModelRejectsImageBlocksAlsoInToolResults() {
        String image = """
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
                  {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]}]}""";
        String inToolResult = """
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result",
                  "tool_use_id":"t1","content":[{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]}]}""";
        String expected = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"image input is not supported by this model\"}}";

        anthropic("/v1/messages", image)
                .header("x-sim-vision", "false")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .json(expected, true);
        anthropic("/v1/messages", inToolResult)
                .header("x-sim-vision", "false")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .json(expected, true);
        anthropic("/v1/messages", image).exchange().expectStatus().isOk();
    }
}
