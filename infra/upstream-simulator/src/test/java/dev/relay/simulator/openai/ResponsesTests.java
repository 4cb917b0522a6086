package dev.relay.simulator.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ResponsesTests extends SimulatorHttpSupport {

    @Test
    void nonStreamedResponseHasAMessageWithOutputText() {
        JsonNode response = json(bodyOf(
                openAi("/v1/responses", "{\"model\":\"resp-model\",\"instructions\":\"Be kind\",\"input\":\"Hi you\"}")
                        .exchange()
                        .expectStatus()
                        .isOk()));

        assertThat(response.path("id").stringValue()).startsWith("resp_");
        assertThat(response.path("object").stringValue()).isEqualTo("response");
        assertThat(response.path("status").stringValue()).isEqualTo("completed");
        assertThat(response.path("model").stringValue()).isEqualTo("resp-model");
        JsonNode message = response.path("output").get(0);
        assertThat(message.path("type").stringValue()).isEqualTo("message");
        assertThat(message.path("role").stringValue()).isEqualTo("assistant");
        JsonNode content = message.path("content").get(0);
        assertThat(content.path("type").stringValue()).isEqualTo("output_text");
        assertThat(content.path("text").stringValue()).contains("resp-model");
        JsonNode usage = response.path("usage");
        assertThat(usage.path("input_tokens").intValue()).isEqualTo(4);
        assertThat(usage.path("output_tokens").intValue()).isEqualTo(10);
        assertThat(usage.path("total_tokens").intValue()).isEqualTo(14);
    }

    @Test
    void streamUsesTheResponsesEventSequence() {
        String body = """
                {"model":"resp-model","stream":true,
                 "input":[{"role":"user","content":[{"type":"input_text","text":"Hi you"}]}]}""";

        List<Sse> events = sse(bodyOf(openAi("/v1/responses", body)
                .header("x-sim-chunks", "3")
                .exchange()
                .expectStatus()
                .isOk()));

        assertThat(events)
                .extracting(Sse::event)
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            JsonNode data = events.get(i).json();
            assertThat(data.path("type").stringValue()).isEqualTo(events.get(i).event());
            assertThat(data.path("sequence_number").intValue()).isEqualTo(i);
            if (events.get(i).event().equals("response.output_text.delta")) {
                text.append(data.path("delta").stringValue());
            }
        }
        assertThat(events.getFirst().json().path("response").path("status").stringValue())
                .isEqualTo("in_progress");
        assertThat(events.get(7).json().path("text").stringValue()).isEqualTo(text.toString());
        JsonNode completed = events.getLast().json().path("response");
        assertThat(completed.path("status").stringValue()).isEqualTo("completed");
        assertThat(completed
                        .path("output")
                        .get(0)
                        .path("content")
                        .get(0)
                        .path("text")
                        .stringValue())
                .isEqualTo(text.toString());
        assertThat(completed.path("usage").path("output_tokens").intValue()).isEqualTo(10);
        assertThat(completed.path("usage").path("input_tokens").intValue()).isEqualTo(2);
    }

    @Test
    void functionToolsAreCalledWithArgumentDeltas() {
        String body = """
                {"model":"m","stream":true,"input":"weather in Rome?","tools":[{"type":"function",
                 "name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]}""";

        List<Sse> events = sse(bodyOf(openAi("/v1/responses", body).exchange()));

        StringBuilder arguments = new StringBuilder();
        for (Sse event : events) {
            if (event.event().equals("response.function_call_arguments.delta")) {
                arguments.append(event.json().path("delta").stringValue());
            }
        }
        assertThat(json(arguments.toString()).path("city").stringValue()).isEqualTo("sim-city");
        JsonNode item = events.getLast().json().path("response").path("output").get(0);
        assertThat(item.path("type").stringValue()).isEqualTo("function_call");
        assertThat(item.path("name").stringValue()).isEqualTo("get_weather");
        assertThat(item.path("call_id").stringValue()).startsWith("call_");
        assertThat(item.path("arguments").stringValue()).isEqualTo(arguments.toString());
    }
}
