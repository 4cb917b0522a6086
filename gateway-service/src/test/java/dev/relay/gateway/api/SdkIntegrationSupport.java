package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import dev.relay.contracts.EventCodec;
import dev.relay.contracts.Topics;
import dev.relay.contracts.UsageRecorded;
import dev.relay.gateway.GatewayIntegrationSupport;
import dev.relay.testsupport.RelayInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Shared fixtures of the official-SDK tests: SDK clients pointed at the gateway (no SDK retries, so the simulator's
 * request counts are the gateway's own), channels with a scenario id, direct calls to the simulator to learn what it
 * answers to a recorded request, and a reader of the usage topic.
 */
abstract class SdkIntegrationSupport extends GatewayIntegrationSupport {

    /** A 1x1 transparent PNG. */
    static final String PNG_1X1 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        closeables.clear();
    }

    // ------------------------------------------------------------------------------------------------ clients

    AnthropicClient anthropic(String key) {
        AnthropicClient c = AnthropicOkHttpClient.builder()
                .baseUrl(gateway())
                .apiKey(key)
                .maxRetries(0)
                .responseValidation(true)
                .timeout(Duration.ofSeconds(30))
                .build();
        closeables.add(c::close);
        return c;
    }

    OpenAIClient openAi(String key) {
        OpenAIClient c = OpenAIOkHttpClient.builder()
                .baseUrl(gateway() + "/v1")
                .apiKey(key)
                .maxRetries(0)
                .responseValidation(true)
                .timeout(Duration.ofSeconds(30))
                .build();
        closeables.add(c::close);
        return c;
    }

    // ------------------------------------------------------------------------------------------------ fixtures

    /** A fresh model on one channel of {@code protocol} whose requests carry scenario {@code sc}; waits until visible. */
    String channel(String key, String protocol, String upstreamModel, String sc, Map<String, String> headers) {
        String model = uniqueModel();
        Map<String, String> h = new HashMap<>(headers);
        h.put("x-sim-scenario-id", sc);
        newChannel(model, upstreamModel, "sk-up-" + UUID.randomUUID(), protocol, h, Map.of());
        awaitModelVisible(key, model);
        return model;
    }

    /** The only request the simulator got for a scenario. */
    JsonNode onlyUpstreamRequest(String sc) {
        List<JsonNode> got = simRequests(sc);
        assertThat(got).as("requests the simulator received for %s", sc).hasSize(1);
        return got.getFirst();
    }

    static JsonNode body(JsonNode recorded) {
        return json(recorded.get("body").asString());
    }

    static String header(JsonNode recorded, String name) {
        JsonNode v = recorded.path("headers").path(name);
        return v.isArray() && !v.isEmpty() ? v.get(0).asString() : null;
    }

    // ------------------------------------------------------------------------------------------------ the simulator

    /**
     * Sends a recorded request again, straight to the simulator, with the same body and the same {@code x-sim-*}
     * headers (but no scenario id, so the scenario's count is untouched): what the simulator answered the gateway.
     */
    HttpResponse<String> replay(JsonNode recorded) {
        return replay(recorded, body(recorded));
    }

    HttpResponse<String> replay(JsonNode recorded, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(sim.baseUrl() + recorded.get("path").asString()))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer sk-direct")
                .header("x-api-key", "sk-direct")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        recorded.path("headers").properties().forEach(e -> {
            String name = e.getKey();
            if (name.startsWith("x-sim-") && !name.equals("x-sim-scenario-id")) {
                b.header(name, e.getValue().get(0).asString());
            }
        });
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return r;
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** The simulator's non-streamed answer to a recorded request (its streamed one has the same content). */
    JsonNode replayUnstreamed(JsonNode recorded) {
        ObjectNode b = (ObjectNode) body(recorded);
        b.put("stream", false);
        b.remove("stream_options");
        return json(replay(recorded, b).body());
    }

    /**
     * The token figures the simulator reported for a recorded request, in its own protocol's terms: {prompt or
     * input, completion or output, cached or cache read}. Streamed requests are replayed streamed and the figures read
     * from the stream (OpenAI: the usage chunk; Anthropic: message_start then message_delta).
     */
    long[] upstreamUsage(JsonNode recorded) {
        JsonNode body = body(recorded);
        boolean stream = body.path("stream").asBoolean(false);
        boolean anthropic = recorded.get("path").asString().endsWith("/messages");
        String text = replay(recorded).body();
        if (!stream) {
            JsonNode u = json(text).get("usage");
            return anthropic ? anthropicFigures(u, null) : openAiFigures(u);
        }
        JsonNode startUsage = null;
        JsonNode deltaUsage = null;
        JsonNode openAiUsage = null;
        for (String line : text.split("\n")) {
            if (!line.startsWith("data: {")) {
                continue;
            }
            JsonNode n = json(line.substring(6));
            if (anthropic && "message_start".equals(n.path("type").asString(""))) {
                startUsage = n.at("/message/usage");
            } else if (anthropic && "message_delta".equals(n.path("type").asString(""))) {
                deltaUsage = n.get("usage");
            } else if (!anthropic && n.path("usage").isObject()) {
                openAiUsage = n.get("usage");
            }
        }
        if (anthropic) {
            assertThat(startUsage).as("message_start usage in " + text).isNotNull();
            return anthropicFigures(startUsage, deltaUsage);
        }
        assertThat(openAiUsage).as("usage chunk in " + text).isNotNull();
        return openAiFigures(openAiUsage);
    }

    private static long[] openAiFigures(JsonNode u) {
        return new long[] {
            u.get("prompt_tokens").asLong(),
            u.get("completion_tokens").asLong(),
            u.at("/prompt_tokens_details/cached_tokens").asLong(0)
        };
    }

    private static long[] anthropicFigures(JsonNode start, JsonNode delta) {
        long input = start.get("input_tokens").asLong();
        long output = start.path("output_tokens").asLong(0);
        long cacheRead = start.path("cache_read_input_tokens").asLong(0);
        if (delta != null) {
            input = delta.path("input_tokens").asLong(input);
            output = delta.path("output_tokens").asLong(output);
            cacheRead = delta.path("cache_read_input_tokens").asLong(cacheRead);
        }
        return new long[] {input, output, cacheRead};
    }

    // ------------------------------------------------------------------------------------------------ SDK helpers

    static String text(Message m) {
        StringBuilder sb = new StringBuilder();
        for (ContentBlock b : m.content()) {
            b.text().ifPresent(t -> sb.append(t.text()));
        }
        return sb.toString();
    }

    static String typeOf(RawMessageStreamEvent e) {
        if (e.isMessageStart()) {
            return "message_start";
        }
        if (e.isContentBlockStart()) {
            return "content_block_start";
        }
        if (e.isContentBlockDelta()) {
            return "content_block_delta";
        }
        if (e.isContentBlockStop()) {
            return "content_block_stop";
        }
        if (e.isMessageDelta()) {
            return "message_delta";
        }
        if (e.isMessageStop()) {
            return "message_stop";
        }
        return "?";
    }

    /** The event types of an Anthropic SSE body, without {@code ping} (the SDK does not surface pings). */
    static List<String> anthropicEventTypes(String sse) {
        List<String> out = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("event: ") && !line.equals("event: ping")) {
                out.add(line.substring(7).strip());
            }
        }
        return out;
    }

    static Tool anthropicTool(String name, String property) {
        return Tool.builder()
                .name(name)
                .description("look up " + name)
                .inputSchema(Tool.InputSchema.builder()
                        .properties(Tool.InputSchema.Properties.builder()
                                .putAdditionalProperty(
                                        property, com.anthropic.core.JsonValue.from(Map.of("type", "string")))
                                .build())
                        .addRequired(property)
                        .build())
                .build();
    }

    static ChatCompletionFunctionTool openAiTool(String name, String property) {
        return ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name(name)
                        .description("look up " + name)
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                                .putAdditionalProperty(
                                        "properties",
                                        com.openai.core.JsonValue.from(Map.of(property, Map.of("type", "string"))))
                                .putAdditionalProperty("required", com.openai.core.JsonValue.from(List.of(property)))
                                .build())
                        .build())
                .build();
    }

    /** An Anthropic SDK error's body as JSON. */
    static JsonNode errorBody(AnthropicServiceException e) {
        return JSON.valueToTree(e.body().convert(Map.class));
    }

    /** An OpenAI SDK error's body as JSON. */
    static JsonNode errorBody(com.openai.errors.OpenAIServiceException e) {
        return JSON.valueToTree(e.body().convert(Map.class));
    }

    static String requestId() {
        return "req-sdk-" + UUID.randomUUID();
    }

    // ------------------------------------------------------------------------------------------------ usage topic

    /** Reads {@code relay.usage} from "now" on; open it before sending the requests it is to see. */
    static final class UsageReader implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer;

        UsageReader() {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    RelayInfrastructure.get().kafkaBootstrap(),
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    StringDeserializer.class,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false));
            List<TopicPartition> parts = consumer.partitionsFor(Topics.USAGE, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
        }

        /** The usage event of each request id, checking that no request is metered twice. */
        Map<String, UsageRecorded> await(List<String> requestIds) {
            Map<String, UsageRecorded> found = new HashMap<>();
            List<String> duplicates = new ArrayList<>();
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .pollInSameThread()
                    .until(() -> {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                            if (requestIds.contains(r.key())) {
                                UsageRecorded u = (UsageRecorded)
                                        EventCodec.fromJson(r.value()).data();
                                if (found.put(r.key(), u) != null) {
                                    duplicates.add(r.key());
                                }
                            }
                        }
                        return found.keySet().containsAll(requestIds);
                    });
            // read on to the current end: a second event for the same request would be a metering bug
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .pollInSameThread()
                    .until(() -> {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                            if (requestIds.contains(r.key())) {
                                duplicates.add(r.key());
                            }
                        }
                        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                    });
            assertThat(duplicates).as("exactly one usage event per request").isEmpty();
            return found;
        }

        /**
         * The usage events of a public model until there are at least {@code atLeast}, one per request id (a second
         * event for a request fails the test).
         */
        Map<String, UsageRecorded> awaitModel(String publicModel, int atLeast) {
            Map<String, UsageRecorded> found = new HashMap<>();
            List<String> duplicates = new ArrayList<>();
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInSameThread()
                    .until(() -> {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                            UsageRecorded u = (UsageRecorded)
                                    EventCodec.fromJson(r.value()).data();
                            if (publicModel.equals(u.publicModel()) && found.put(r.key(), u) != null) {
                                duplicates.add(r.key());
                            }
                        }
                        return found.size() >= atLeast;
                    });
            assertThat(duplicates).as("exactly one usage event per request").isEmpty();
            return found;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** Waits until the simulator has recorded {@code n} requests of a scenario. */
    void awaitUpstreamRequests(String sc, int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> simRequests(sc).size() >= n);
    }
}
