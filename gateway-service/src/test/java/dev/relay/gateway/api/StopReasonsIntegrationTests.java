package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Stop reasons through translation, end to end: the simulator honours {@code max_tokens} and stop sequences under
 * {@code x-sim-limits: true}, so a reply really is cut, and each client API sees its own stop reason for it.
 */
class StopReasonsIntegrationTests extends EdgeApiTestSupport {

    private static final Map<String, String> LIMITS = Map.of("x-sim-limits", "true");

    private static String chatWith(String model, boolean stream, String limit) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + "," + limit
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    private static String messagesWith(String model, boolean stream, String limit) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + "," + limit
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    @Test
    void anOpenAiClientOnAnAnthropicChannelSeesStopAndLengthAsOpenAiFinishReasons() {
        String model = uniqueModel();
        newChannel(model, "sim-claude-sonnet", "sk-stop-1", "ANTHROPIC", LIMITS, Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        JsonNode stopped = json(post("/v1/chat/completions", key, chatWith(model, false, "\"stop\":[\"reply\"]"))
                .body());
        assertThat(stopped.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        assertThat(stopped.at("/choices/0/message/content").asString()).isEqualTo("This is a simulated ");

        JsonNode cut = json(post("/v1/chat/completions", key, chatWith(model, false, "\"max_tokens\":3"))
                .body());
        assertThat(cut.at("/choices/0/finish_reason").asString()).isEqualTo("length");
        assertThat(cut.at("/choices/0/message/content").asString()).isEqualTo("This is a");
        assertThat(cut.at("/usage/completion_tokens").asInt()).isEqualTo(3);

        HttpResponse<String> streamed = post("/v1/chat/completions", key, chatWith(model, true, "\"max_tokens\":3"));
        List<JsonNode> chunks = sseData(streamed.body());
        assertThat(chunks)
                .extracting(c -> c.at("/choices/0/finish_reason").asString(null))
                .filteredOn(r -> r != null)
                .containsExactly("length");
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.at("/choices/0/delta/content").asString("")));
        assertThat(text).hasToString("This is a");
        assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void anAnthropicClientOnAnOpenAiChannelSeesMaxTokensAndEndTurn() {
        String model = uniqueModel();
        newChannel(model, "sim-gpt-4o", "sk-stop-2", "OPENAI", LIMITS, Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        JsonNode cut = json(anthropic("/v1/messages", key, messagesWith(model, false, "\"max_tokens\":3"))
                .body());
        assertThat(cut.path("stop_reason").asString()).isEqualTo("max_tokens");
        assertThat(cut.at("/content/0/text").asString()).isEqualTo("This is a");
        assertThat(cut.at("/usage/output_tokens").asInt()).isEqualTo(3);

        // a Chat upstream says only "stop" when it hits a stop sequence, without naming it: the closest Anthropic
        // reading is end_turn with stop_sequence null (the text is cut where the upstream cut it)
        JsonNode stopped = json(anthropic(
                        "/v1/messages",
                        key,
                        messagesWith(model, false, "\"max_tokens\":50,\"stop_sequences\":[\"reply\"]"))
                .body());
        assertThat(stopped.path("stop_reason").asString()).isEqualTo("end_turn");
        assertThat(stopped.path("stop_sequence").isNull()).isTrue();
        assertThat(stopped.at("/content/0/text").asString()).isEqualTo("This is a simulated ");

        HttpResponse<String> streamed = anthropic("/v1/messages", key, messagesWith(model, true, "\"max_tokens\":3"));
        List<JsonNode> events = sseData(streamed.body());
        assertThat(events)
                .filteredOn(e -> e.path("type").asString().equals("message_delta"))
                .singleElement()
                .satisfies(
                        d -> assertThat(d.at("/delta/stop_reason").asString()).isEqualTo("max_tokens"));
        assertThat(sseEvents(streamed.body())).last().isEqualTo("message_stop");
    }

    @Test
    void anAnthropicClientOnAnAnthropicChannelGetsTheMatchedStopSequence() {
        String model = uniqueModel();
        newChannel(model, "sim-claude-sonnet", "sk-stop-3", "ANTHROPIC", LIMITS, Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        JsonNode stopped = json(anthropic(
                        "/v1/messages",
                        key,
                        messagesWith(model, false, "\"max_tokens\":50,\"stop_sequences\":[\"simulated\"]"))
                .body());
        assertThat(stopped.path("stop_reason").asString()).isEqualTo("stop_sequence");
        assertThat(stopped.path("stop_sequence").asString()).isEqualTo("simulated");
        assertThat(stopped.at("/content/0/text").asString()).isEqualTo("This is a ");
    }
}
