package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/messages/count_tokens}: asked of the upstream when the model has an Anthropic channel, counted by the
 * edge's own tokenizer otherwise (or when the upstream cannot answer).
 */
class CountTokensIntegrationTests extends EdgeApiTestSupport {

    private static final String WEATHER_TOOL = "{\"name\":\"get_weather\",\"description\":\"Current weather for a city,"
            + " with temperature, wind and humidity\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":"
            + "{\"type\":\"string\",\"description\":\"the city name\"},\"unit\":{\"type\":\"string\",\"enum\":"
            + "[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\"]}}";

    private static String countRequest(String model, String userText, boolean withTools) {
        return "{\"model\":\"" + model + "\",\"system\":\"You are terse.\",\"messages\":[{\"role\":\"user\","
                + "\"content\":" + JSON.writeValueAsString(userText) + "},{\"role\":\"assistant\",\"content\":"
                + "\"Sure.\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"go on\"}]}]"
                + (withTools ? ",\"tools\":[" + WEATHER_TOOL + "]" : "") + "}";
    }

    @Test
    void asksTheAnthropicUpstreamWithItsModelNameAndAnswersItsCount() throws Exception {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-claude-sonnet", "sk-ct-1", "ANTHROPIC", Map.of("x-sim-scenario-id", sc), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);
        String body = countRequest(model, "how many tokens are in this sentence of eleven or so words", false);

        HttpResponse<String> r = anthropic("/v1/messages/count_tokens", key, body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-relay-token-count")).isNotEqualTo(java.util.Optional.of("tokenizer"));
        List<JsonNode> upstream = simRequests(sc);
        assertThat(upstream).hasSize(1);
        assertThat(upstream.getFirst().get("path").asString()).isEqualTo("/v1/messages/count_tokens");
        JsonNode sent = json(upstream.getFirst().get("body").asString());
        assertThat(sent.get("model").asString()).isEqualTo("sim-claude-sonnet");
        assertThat(sent.has("max_tokens")).isFalse();
        assertThat(upstream.getFirst().at("/headers/x-api-key/0").asString()).isEqualTo("sk-ct-1");
        assertThat(upstream.getFirst().toString()).doesNotContain(key);
        long expected = simCount(body.replace(model, "sim-claude-sonnet"));
        assertThat(json(r.body()).get("input_tokens").asLong())
                .isEqualTo(expected)
                .isPositive();
        assertThat(json(r.body()).propertyNames()).containsExactly("input_tokens");
    }

    @Test
    void prefersTheAnthropicChannelOfAModelServedByBothProtocols() {
        String model = uniqueModel();
        String scO = scenario();
        String scA = scenario();
        newChannel(model, "sim-gpt-4o", "sk-ct-2", "OPENAI", Map.of("x-sim-scenario-id", scO), Map.of());
        newChannel(model, "sim-claude-sonnet", "sk-ct-3", "ANTHROPIC", Map.of("x-sim-scenario-id", scA), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r =
                    anthropic("/v1/messages/count_tokens", key, countRequest(model, "hello " + i, i % 2 == 0));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        assertThat(simRequests(scA)).hasSize(4);
        assertThat(simRequests(scO)).isEmpty();
    }

    @Test
    void countsLocallyWithATokenizerWhenTheModelHasNoAnthropicChannel() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-ct-4", "OPENAI", Map.of("x-sim-scenario-id", sc), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> small =
                anthropic("/v1/messages/count_tokens", key, countRequest(model, "hello world", false));
        assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
        assertThat(small.headers().firstValue("x-relay-token-count")).hasValue("tokenizer");
        assertThat(small.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(json(small.body()).propertyNames()).containsExactly("input_tokens");
        long s = json(small.body()).get("input_tokens").asLong();
        // 3 messages + system, a handful of words, chat accounting overhead: a few dozen tokens at most
        assertThat(s).isBetween(10L, 40L);

        String longText = "The quick brown fox jumps over the lazy dog. ".repeat(20);
        long l = count(key, countRequest(model, longText, false));
        assertThat(l).as("≈ 10 tokens per sentence, 20 sentences more").isBetween(s + 150, s + 260);

        long t = count(key, countRequest(model, "hello world", true));
        assertThat(t).as("a tool definition is counted").isGreaterThan(s + 20);

        // max_tokens and stream, which a Messages request carries, change nothing
        long same = count(
                key,
                countRequest(model, "hello world", false)
                        .replace("{\"model\"", "{\"max_tokens\":99,\"stream\":true,\"model\""));
        assertThat(same).isEqualTo(s);

        assertThat(simRequests(sc)).as("nothing asked upstream").isEmpty();
    }

    @Test
    void countsToolsAndImagesEvenForAModelWhoseChannelsCouldNotServeThem() {
        String model = uniqueModel();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-ct-6",
                "OPENAI",
                Map.of(),
                Map.of("tools", false, "toolEmulation", false, "vision", false, "imageFallback", false));
        String key = newClientKey();
        awaitModelVisible(key, model);
        String withImage = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}},"
                + "{\"type\":\"text\",\"text\":\"what is this?\"}]}]}";

        HttpResponse<String> tools =
                anthropic("/v1/messages/count_tokens", key, countRequest(model, "hello world", true));
        HttpResponse<String> image = anthropic("/v1/messages/count_tokens", key, withImage);

        assertThat(tools.statusCode())
                .as("counting needs no tool support: %s", tools.body())
                .isEqualTo(200);
        assertThat(image.statusCode())
                .as("counting needs no vision: %s", image.body())
                .isEqualTo(200);
        assertThat(json(image.body()).get("input_tokens").asLong())
                .as("an image is 85 tokens")
                .isGreaterThan(85);
    }

    @Test
    void fallsBackToTheTokenizerWhenTheAnthropicUpstreamFails() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(
                model,
                "sim-claude-sonnet",
                "sk-ct-5",
                "ANTHROPIC",
                Map.of("x-sim-scenario-id", sc, "x-sim-behavior", "503"),
                Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        HttpResponse<String> r = anthropic("/v1/messages/count_tokens", key, countRequest(model, "hello world", false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-relay-token-count")).hasValue("tokenizer");
        assertThat(json(r.body()).get("input_tokens").asLong()).isPositive();
        assertThat(simRequests(sc)).hasSize(1);
    }

    @Test
    void rejectsAnInvalidCountRequestInAnthropicsShape() {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-ct-6", "OPENAI", Map.of("x-sim-scenario-id", sc), Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        assertAnthropicError(
                anthropic("/v1/messages/count_tokens", key, "{\"model\":\"" + model + "\",\"messages\":"),
                400,
                "invalid_request_error");
        assertAnthropicError(
                anthropic("/v1/messages/count_tokens", key, "{\"model\":\"" + model + "\"}"),
                400,
                "invalid_request_error");
        assertAnthropicError(
                anthropic(
                        "/v1/messages/count_tokens",
                        key,
                        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"),
                400,
                "invalid_request_error");
        assertThat(simRequests(sc)).isEmpty();
    }

    private long count(String key, String body) {
        HttpResponse<String> r = anthropic("/v1/messages/count_tokens", key, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-relay-token-count")).hasValue("tokenizer");
        return json(r.body()).get("input_tokens").asLong();
    }

    /** What the simulator itself counts for a body sent to it directly. */
    private static long simCount(String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/messages/count_tokens"))
                        .header("x-api-key", "sk-direct")
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body()).get("input_tokens").asLong();
    }
}
