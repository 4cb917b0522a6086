package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.ImageBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolChoiceAuto;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.openai.client.OpenAIClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.relay.contracts.UsageRecorded;
import dev.relay.contracts.UsageRecorded.Outcome;
import dev.relay.gateway.proxy.ProxyProperties;
import dev.relay.gateway.wire.UsageReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The streamed half of {@link SdkCompatibilityIntegrationTests}: {@code createStreaming} of both official SDKs with
 * their accumulators, over translated and pass-through channels, and mid-stream upstream failures.
 */
class SdkStreamingIntegrationTests extends SdkIntegrationSupport {

    @Autowired
    ProxyProperties proxy;

    /** What an Anthropic SDK stream delivered: the event types in order, the raw events, and the accumulated message. */
    record AnthropicStream(List<String> types, List<RawMessageStreamEvent> events, Message message) {}

    static AnthropicStream stream(AnthropicClient client, MessageCreateParams params) {
        List<String> types = new ArrayList<>();
        List<RawMessageStreamEvent> events = new ArrayList<>();
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params)) {
            s.stream().forEach(e -> {
                e.validate(); // every event has what the SDK's schema requires
                events.add(e);
                types.add(typeOf(e));
                acc.accumulate(e);
            });
        }
        return new AnthropicStream(types, events, acc.message());
    }

    record OpenAiStream(List<ChatCompletionChunk> chunks, ChatCompletion completion) {}

    static OpenAiStream stream(OpenAIClient client, ChatCompletionCreateParams params) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s =
                client.chat().completions().createStreaming(params)) {
            s.stream().forEach(c -> {
                c.validate();
                chunks.add(c);
                acc.accumulate(c);
            });
        }
        return new OpenAiStream(chunks, acc.chatCompletion());
    }

    private static List<ToolUseBlock> toolUses(Message m) {
        return m.content().stream()
                .filter(ContentBlock::isToolUse)
                .map(ContentBlock::asToolUse)
                .toList();
    }

    private static List<String> inputJsonFragments(List<RawMessageStreamEvent> events) {
        return events.stream()
                .filter(RawMessageStreamEvent::isContentBlockDelta)
                .map(e -> e.asContentBlockDelta().delta())
                .filter(d -> d.isInputJson())
                .map(d -> d.asInputJson().partialJson())
                .toList();
    }

    // ============================================================ Anthropic SDK -> OpenAI-protocol channel

    @Test
    void anthropicSdkStreamsOverAnOpenAiChannelWithAnthropicsEventSequenceTheReplyAndTheUsage() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "OPENAI", "sim-gpt-4o", sc, Map.of("x-sim-cache-read", "3"));

        AnthropicStream got = stream(
                anthropic(key),
                MessageCreateParams.builder()
                        .model(model)
                        .maxTokens(222)
                        .system("be brief and kind")
                        .addUserMessage("hello there, assistant")
                        .addAssistantMessage("hi, how can I help you today")
                        .addUserMessageOfContentBlockParams(List.of(
                                ContentBlockParam.ofText(TextBlockParam.builder()
                                        .text("what does this picture show")
                                        .build()),
                                ContentBlockParam.ofImage(ImageBlockParam.builder()
                                        .source(Base64ImageSource.builder()
                                                .data(PNG_1X1)
                                                .mediaType(Base64ImageSource.MediaType.IMAGE_PNG)
                                                .build())
                                        .build())))
                        .addStopSequence("END")
                        .build());

        JsonNode recorded = onlyUpstreamRequest(sc);
        JsonNode sent = body(recorded);
        assertThat(recorded.get("path").asString()).isEqualTo("/v1/chat/completions");
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(sent.get("max_tokens").asLong()).isEqualTo(222);
        assertThat(sent.get("stop").toString()).isEqualTo("[\"END\"]");
        assertThat(sent.at("/messages/0/content").asString()).isEqualTo("be brief and kind");
        assertThat(sent.at("/messages/3/content/1/image_url/url").asString())
                .isEqualTo("data:image/png;base64," + PNG_1X1);

        assertThat(got.types().getFirst()).isEqualTo("message_start");
        assertThat(got.types().get(1)).isEqualTo("content_block_start");
        assertThat(got.types().subList(2, got.types().size() - 3)).isNotEmpty().containsOnly("content_block_delta");
        assertThat(got.types().subList(got.types().size() - 3, got.types().size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(got.events().getFirst().asMessageStart().message().model().asString())
                .isEqualTo(model);

        JsonNode upstream = replayUnstreamed(recorded);
        Message m = got.message();
        assertThat(m.model().asString()).isEqualTo(model);
        assertThat(text(m)).isEqualTo(upstream.at("/choices/0/message/content").asString());
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        long[] usage = upstreamUsage(recorded);
        assertThat(usage[2]).isEqualTo(3);
        assertThat(m.usage().inputTokens()).isEqualTo(usage[0] - usage[2]);
        assertThat(m.usage().cacheReadInputTokens()).contains(usage[2]);
        assertThat(m.usage().outputTokens()).isEqualTo(usage[1]);
    }

    @Test
    void anthropicSdkStreamsANamedToolUseOverAnOpenAiChannelAndContinuesWithAToolResult() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "OPENAI", "sim-gpt-4o", sc, Map.of());
        AnthropicClient client = anthropic(key);
        MessageCreateParams first = MessageCreateParams.builder()
                .model(model)
                .maxTokens(100)
                .addTool(anthropicTool("get_weather", "city"))
                .addTool(anthropicTool("get_time", "zone"))
                .toolToolChoice("get_weather")
                .addUserMessage("what is the weather in Paris?")
                .build();

        AnthropicStream toolTurn = stream(client, first);

        assertThat(toolTurn.message().stopReason()).contains(StopReason.TOOL_USE);
        assertThat(toolTurn.message().model().asString()).isEqualTo(model);
        List<ToolUseBlock> uses = toolUses(toolTurn.message());
        assertThat(uses).singleElement().satisfies(u -> assertThat(u.name()).isEqualTo("get_weather"));
        assertThat(uses.getFirst()._input().convert(Map.class)).isEqualTo(Map.of("city", "sim-city"));
        assertThat(String.join("", inputJsonFragments(toolTurn.events()))).isEqualTo("{\"city\":\"sim-city\"}");
        JsonNode firstSent = body(onlyUpstreamRequest(sc));
        assertThat(firstSent.at("/tool_choice/type").asString()).isEqualTo("function");
        assertThat(firstSent.at("/tool_choice/function/name").asString()).isEqualTo("get_weather");

        AnthropicStream answer = stream(
                client,
                first.toBuilder()
                        .toolChoice(ToolChoiceAuto.builder().build()) // a forced tool again would loop
                        .addMessage(toolTurn.message())
                        .addUserMessageOfContentBlockParams(
                                List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                        .toolUseId(uses.getFirst().id())
                                        .content("sunny")
                                        .build())))
                        .build());

        assertThat(answer.message().stopReason()).contains(StopReason.END_TURN);
        assertThat(text(answer.message())).startsWith("This is a simulated reply from sim-gpt-4o");
        JsonNode messages = body(simRequests(sc).get(1)).get("messages");
        assertThat(messages.at("/1/tool_calls/0/id").asString())
                .isEqualTo(uses.getFirst().id());
        assertThat(messages.at("/2/role").asString()).isEqualTo("tool");
        assertThat(messages.at("/2/tool_call_id").asString())
                .isEqualTo(uses.getFirst().id());
    }

    @Test
    void anthropicSdkStreamsParallelToolCallsOverAnOpenAiChannelAsSuccessiveToolUseBlocks() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "OPENAI", "sim-gpt-4o", sc, Map.of("x-sim-parallel-tools", "2"));

        AnthropicStream got = stream(
                anthropic(key),
                MessageCreateParams.builder()
                        .model(model)
                        .maxTokens(100)
                        .addTool(anthropicTool("get_weather", "city"))
                        .addTool(anthropicTool("get_time", "zone"))
                        .toolChoice(ToolChoiceAny.builder().build())
                        .addUserMessage("weather and time in Paris?")
                        .build());

        assertThat(got.message().stopReason()).contains(StopReason.TOOL_USE);
        List<ToolUseBlock> uses = toolUses(got.message());
        assertThat(uses).extracting(ToolUseBlock::name).containsExactly("get_weather", "get_time");
        assertThat(uses.get(0)._input().convert(Map.class)).isEqualTo(Map.of("city", "sim-city"));
        assertThat((String) uses.get(1)._input().convert(Map.class).get("zone")).startsWith("sim-zone");
        List<Long> starts = got.events().stream()
                .filter(RawMessageStreamEvent::isContentBlockStart)
                .map(e -> e.asContentBlockStart().index())
                .toList();
        assertThat(starts).containsExactly(0L, 1L);
        assertThat(got.types()).endsWith("content_block_stop", "message_delta", "message_stop");
        assertThat(body(onlyUpstreamRequest(sc)).get("tool_choice").asString()).isEqualTo("required");
    }

    @Test
    void anthropicSdkStreamsReasoningOverAnOpenAiChannelAsAThinkingBlockBeforeTheText() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "OPENAI", "sim-gpt-4o", sc, Map.of("x-sim-reasoning", "true"));

        AnthropicStream got = stream(
                anthropic(key),
                MessageCreateParams.builder()
                        .model(model)
                        .maxTokens(300)
                        .addUserMessage("think about the number seven")
                        .build());

        JsonNode upstream = replayUnstreamed(onlyUpstreamRequest(sc));
        Message m = got.message();
        assertThat(m.content()).hasSize(2);
        assertThat(m.content().get(0).isThinking()).isTrue();
        assertThat(m.content().get(0).asThinking().thinking())
                .isEqualTo(upstream.at("/choices/0/message/reasoning_content").asString());
        assertThat(m.content().get(1).asText().text())
                .isEqualTo(upstream.at("/choices/0/message/content").asString());
        List<Long> starts = got.events().stream()
                .filter(RawMessageStreamEvent::isContentBlockStart)
                .map(e -> e.asContentBlockStart().index())
                .toList();
        assertThat(starts).containsExactly(0L, 1L);
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
    }

    // ============================================================ Anthropic SDK -> Anthropic-protocol channel

    @Test
    void anthropicSdkStreamsThroughAnAnthropicChannelWithTheUpstreamsEventsAndThePublicModel() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "ANTHROPIC", "sim-claude-sonnet", sc, Map.of("x-sim-cache-read", "2"));

        AnthropicStream got = stream(
                anthropic(key),
                MessageCreateParams.builder()
                        .model(model)
                        .maxTokens(64)
                        .system("answer briefly")
                        .addUserMessage("hello")
                        .addAssistantMessage("hello to you")
                        .addUserMessage("say something nice")
                        .putAdditionalHeader("anthropic-version", "2023-01-01")
                        .build());

        JsonNode recorded = onlyUpstreamRequest(sc);
        assertThat(header(recorded, "anthropic-version")).isEqualTo("2023-01-01");
        assertThat(body(recorded).get("stream").asBoolean()).isTrue();
        assertThat(body(recorded).get("model").asString()).isEqualTo("sim-claude-sonnet");
        String upstreamSse = replay(recorded).body();
        assertThat(got.types()).isEqualTo(anthropicEventTypes(upstreamSse));
        assertThat(got.events().getFirst().asMessageStart().message().model().asString())
                .isEqualTo(model);
        JsonNode upstream = replayUnstreamed(recorded);
        Message m = got.message();
        assertThat(m.model().asString()).isEqualTo(model);
        assertThat(text(m)).isEqualTo(upstream.at("/content/0/text").asString());
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        long[] usage = upstreamUsage(recorded);
        assertThat(m.usage().inputTokens()).isEqualTo(usage[0]);
        assertThat(m.usage().outputTokens()).isEqualTo(usage[1]);
        assertThat(m.usage().cacheReadInputTokens()).contains(2L);
    }

    @Test
    void anthropicSdkStreamsToolUseThroughAnAnthropicChannelWithInputJsonDeltas() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "ANTHROPIC", "sim-claude-sonnet", sc, Map.of("x-sim-chunks", "3"));

        AnthropicStream got = stream(
                anthropic(key),
                MessageCreateParams.builder()
                        .model(model)
                        .maxTokens(64)
                        .addTool(anthropicTool("get_weather", "city"))
                        .addUserMessage("how is the weather in Rome?")
                        .build());

        assertThat(got.message().stopReason()).contains(StopReason.TOOL_USE);
        List<ToolUseBlock> uses = toolUses(got.message());
        assertThat(uses).singleElement().satisfies(u -> {
            assertThat(u.name()).isEqualTo("get_weather");
            assertThat(u.id()).startsWith("toolu_");
        });
        assertThat(uses.getFirst()._input().convert(Map.class)).isEqualTo(Map.of("city", "sim-city"));
        List<String> fragments = inputJsonFragments(got.events());
        assertThat(fragments.size()).isGreaterThan(1);
        assertThat(String.join("", fragments)).isEqualTo("{\"city\":\"sim-city\"}");
        assertThat(got.types())
                .isEqualTo(anthropicEventTypes(replay(onlyUpstreamRequest(sc)).body()));
    }

    // ============================================================ OpenAI SDK -> Anthropic-protocol channel

    @Test
    void openAiSdkStreamsOverAnAnthropicChannelWithAUsageChunkOnlyWhenItAsksForOne() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "ANTHROPIC", "sim-claude-sonnet", sc, Map.of("x-sim-cache-read", "2"));
        OpenAIClient client = openAi(key);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(model)
                .addSystemMessage("be brief")
                .addUserMessage("hello there")
                .addAssistantMessage("hi")
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
                                .text("and this image?")
                                .build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                        .url("https://example.com/dog.jpg")
                                        .build())
                                .build())))
                .stop("END")
                .build();

        OpenAiStream withUsage = stream(
                client,
                params.toBuilder()
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build());
        OpenAiStream withoutUsage = stream(client, params);

        List<JsonNode> sent = simRequests(sc);
        assertThat(sent).hasSize(2);
        for (JsonNode recorded : sent) {
            JsonNode b = body(recorded);
            assertThat(recorded.get("path").asString()).isEqualTo("/v1/messages");
            assertThat(header(recorded, "anthropic-version")).isEqualTo("2023-06-01");
            assertThat(b.get("stream").asBoolean()).isTrue();
            assertThat(b.has("stream_options")).isFalse();
            assertThat(b.get("max_tokens").asLong()).isEqualTo((long) proxy.defaultMaxTokens());
            assertThat(b.get("system").asString()).isEqualTo("be brief");
            assertThat(b.get("stop_sequences").toString()).isEqualTo("[\"END\"]");
            assertThat(b.at("/messages/2/content/1/source/url").asString()).isEqualTo("https://example.com/dog.jpg");
        }
        JsonNode upstream = replayUnstreamed(sent.get(0));
        long[] usage = upstreamUsage(sent.get(0));
        for (OpenAiStream s : List.of(withUsage, withoutUsage)) {
            assertThat(s.chunks()).allSatisfy(c -> assertThat(c.model()).isEqualTo(model));
            ChatCompletion c = s.completion();
            assertThat(c.model()).isEqualTo(model);
            assertThat(c.choices().getFirst().message().content())
                    .contains(upstream.at("/content/0/text").asString());
            assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        }
        ChatCompletionChunk last = withUsage.chunks().getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).isPresent();
        assertThat(last.usage().get().promptTokens()).isEqualTo(usage[0] + usage[2]);
        assertThat(last.usage().get().completionTokens()).isEqualTo(usage[1]);
        assertThat(last.usage().get().promptTokensDetails().flatMap(d -> d.cachedTokens()))
                .contains(2L);
        assertThat(withUsage.chunks().subList(0, withUsage.chunks().size() - 1))
                .allSatisfy(c -> assertThat(c.usage()).isEmpty());
        assertThat(withoutUsage.chunks()).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        assertThat(withoutUsage.chunks())
                .allSatisfy(c -> assertThat(c.choices()).isNotEmpty());
        assertThat(withoutUsage.completion().usage()).isEmpty();
    }

    @Test
    void openAiSdkStreamsParallelToolCallsOverAnAnthropicChannelAndContinuesWithToolMessages() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "ANTHROPIC", "sim-claude-sonnet", sc, Map.of("x-sim-parallel-tools", "2"));
        OpenAIClient client = openAi(key);
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder()
                .model(model)
                .addTool(openAiTool("get_weather", "city"))
                .addTool(openAiTool("get_time", "zone"))
                .addUserMessage("weather and time in Oslo?")
                .build();

        OpenAiStream toolTurn = stream(client, first);

        ChatCompletion.Choice choice = toolTurn.completion().choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(ChatCompletionMessageToolCall::asFunction)
                .toList();
        assertThat(calls).extracting(c -> c.function().name()).containsExactly("get_weather", "get_time");
        assertThat(json(calls.get(0).function().arguments()).get("city").asString())
                .isEqualTo("sim-city");
        assertThat(json(calls.get(1).function().arguments()).get("zone").asString())
                .startsWith("sim-zone");
        assertThat(calls).allSatisfy(c -> assertThat(c.id()).startsWith("toolu_"));

        OpenAiStream answer = stream(
                client,
                first.toBuilder()
                        .addMessage(choice.message())
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId(calls.get(0).id())
                                .content("cold")
                                .build())
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId(calls.get(1).id())
                                .content("noon")
                                .build())
                        .build());

        assertThat(answer.completion().choices().getFirst().finishReason())
                .isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.completion().choices().getFirst().message().content().orElse(""))
                .startsWith("This is a simulated reply from sim-claude-sonnet");
        JsonNode messages = body(simRequests(sc).get(1)).get("messages");
        assertThat(messages.at("/1/content/0/type").asString()).isEqualTo("tool_use");
        assertThat(messages.at("/1/content/1/type").asString()).isEqualTo("tool_use");
        assertThat(messages.at("/2/content/0/tool_use_id").asString())
                .isEqualTo(calls.get(0).id());
        assertThat(messages.at("/2/content/1/tool_use_id").asString())
                .isEqualTo(calls.get(1).id());
    }

    // ============================================================ OpenAI SDK -> OpenAI channel (regression)

    @Test
    void openAiSdkStillStreamsOverAnOpenAiChannelWithTheUpstreamsUsage() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "OPENAI", "sim-gpt-4o", sc, Map.of());

        OpenAiStream got = stream(
                openAi(key),
                ChatCompletionCreateParams.builder()
                        .model(model)
                        .addUserMessage("hello")
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build());

        JsonNode recorded = onlyUpstreamRequest(sc);
        JsonNode upstream = replayUnstreamed(recorded);
        long[] usage = upstreamUsage(recorded);
        assertThat(got.completion().model()).isEqualTo(model);
        assertThat(got.completion().choices().getFirst().message().content())
                .contains(upstream.at("/choices/0/message/content").asString());
        assertThat(got.completion().usage().orElseThrow().promptTokens()).isEqualTo(usage[0]);
        assertThat(got.completion().usage().orElseThrow().completionTokens()).isEqualTo(usage[1]);
    }

    // ============================================================ mid-stream upstream drop through translation

    @Test
    void aMidStreamDropOnAnOpenAiChannelEndsTheAnthropicSdksStreamWithAnErrorAndIsMeteredIncomplete() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(
                key, "OPENAI", "sim-gpt-4o", sc, Map.of("x-sim-behavior", "drop-after", "x-sim-drop-after", "3"));
        String id = requestId();
        List<String> types = new ArrayList<>();

        try (UsageReader usage = new UsageReader()) {
            Throwable error = catchThrowable(() -> {
                try (StreamResponse<RawMessageStreamEvent> s = anthropic(key)
                        .messages()
                        .createStreaming(MessageCreateParams.builder()
                                .model(model)
                                .maxTokens(50)
                                .addUserMessage("tell me a long story")
                                .putAdditionalHeader("x-request-id", id)
                                .build())) {
                    s.stream().forEach(e -> types.add(typeOf(e)));
                }
            });

            assertThat(error).isInstanceOf(com.anthropic.errors.SseException.class);
            assertThat(errorBody((com.anthropic.errors.SseException) error)
                            .at("/error/type")
                            .asString())
                    .isEqualTo("api_error");
            assertThat(types).startsWith("message_start").doesNotContain("message_stop", "message_delta");
            assertThat(types).contains("content_block_delta");
            UsageRecorded event = usage.await(List.of(id)).get(id);
            assertThat(event.outcome()).isEqualTo(Outcome.INCOMPLETE);
            assertThat(event.clientApi()).isEqualTo("anthropic.messages");
            assertThat(event.stream()).isTrue();
            assertThat(simRequests(sc)).hasSize(1);
        }
    }

    @Test
    void aMidStreamDropOnAnAnthropicChannelEndsTheOpenAiSdksStreamWithAnErrorAndIsMeteredIncomplete() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(
                key,
                "ANTHROPIC",
                "sim-claude-sonnet",
                sc,
                Map.of("x-sim-behavior", "drop-after", "x-sim-drop-after", "3"));
        String id = requestId();
        List<ChatCompletionChunk> chunks = new ArrayList<>();

        try (UsageReader usage = new UsageReader()) {
            Throwable error = catchThrowable(() -> {
                try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s = openAi(key)
                        .chat()
                        .completions()
                        .createStreaming(ChatCompletionCreateParams.builder()
                                .model(model)
                                .addUserMessage("tell me a long story")
                                .putAdditionalHeader("x-request-id", id)
                                .build())) {
                    s.stream().forEach(chunks::add);
                }
            });

            assertThat(error).isInstanceOf(com.openai.errors.SseException.class);
            assertThat(chunks).isNotEmpty();
            assertThat(chunks)
                    .allSatisfy(c -> assertThat(c.choices())
                            .allSatisfy(ch -> assertThat(ch.finishReason()).isEmpty()));
            UsageRecorded event = usage.await(List.of(id)).get(id);
            assertThat(event.outcome()).isEqualTo(Outcome.INCOMPLETE);
            assertThat(event.clientApi()).isEqualTo("openai.chat");
            assertThat(event.stream()).isTrue();
            assertThat(simRequests(sc)).hasSize(1);
        }
    }

    /** How many SSE events the simulator sends for a plain two-chunk reply on {@code path}. */
    private int eventsOfAPlainReply(String path, String upstreamModel) {
        String body = path.endsWith("/messages")
                ? "{\"model\":\"" + upstreamModel + "\",\"max_tokens\":20,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}"
                : "{\"model\":\"" + upstreamModel + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
        JsonNode fake = JSON.createObjectNode()
                .put("path", path)
                .put("body", body)
                .set(
                        "headers",
                        JSON.createObjectNode()
                                .set("x-sim-chunks", JSON.createArrayNode().add("2")));
        String sse = replay(fake).body();
        return (int) java.util.Arrays.stream(sse.split("\n\n"))
                .filter(e -> !e.isBlank())
                .count();
    }

    @Test
    void aDropRightAfterTheLastEventOfAnAnthropicChannelStillEndsTheAnthropicSdksStreamCleanly() {
        String key = newClientKey();
        String sc = scenario();
        int all = eventsOfAPlainReply("/v1/messages", "sim-claude-sonnet");
        String model = channel(
                key,
                "ANTHROPIC",
                "sim-claude-sonnet",
                sc,
                Map.of("x-sim-chunks", "2", "x-sim-behavior", "drop-after", "x-sim-drop-after", String.valueOf(all)));
        String id = requestId();

        try (UsageReader usage = new UsageReader()) {
            AnthropicStream got = stream(
                    anthropic(key),
                    MessageCreateParams.builder()
                            .model(model)
                            .maxTokens(20)
                            .addUserMessage("count")
                            .putAdditionalHeader("x-request-id", id)
                            .build());

            assertThat(got.types()).endsWith("message_delta", "message_stop");
            assertThat(text(got.message())).startsWith("This is a simulated reply from sim-claude-sonnet");
            UsageRecorded event = usage.await(List.of(id)).get(id);
            assertThat(event.outcome()).isEqualTo(Outcome.OK);
            assertThat(simRequests(sc)).hasSize(1);
        }
    }

    @Test
    void aDropRightAfterTheLastEventOfAnOpenAiChannelStillEndsTheAnthropicSdksStreamCleanly() {
        String key = newClientKey();
        String sc = scenario();
        int all = eventsOfAPlainReply("/v1/chat/completions", "sim-gpt-4o");
        String model = channel(
                key,
                "OPENAI",
                "sim-gpt-4o",
                sc,
                Map.of("x-sim-chunks", "2", "x-sim-behavior", "drop-after", "x-sim-drop-after", String.valueOf(all)));
        String id = requestId();

        try (UsageReader usage = new UsageReader()) {
            AnthropicStream got = stream(
                    anthropic(key),
                    MessageCreateParams.builder()
                            .model(model)
                            .maxTokens(20)
                            .addUserMessage("count")
                            .putAdditionalHeader("x-request-id", id)
                            .build());

            assertThat(got.types()).endsWith("message_delta", "message_stop");
            UsageRecorded event = usage.await(List.of(id)).get(id);
            assertThat(event.outcome()).isEqualTo(Outcome.OK);
            assertThat(event.usage().estimated()).isFalse();
        }
    }

    @Test
    void aDropRightAfterTheLastEventOfAnAnthropicChannelStillEndsTheOpenAiSdksStreamCleanly() {
        String key = newClientKey();
        String sc = scenario();
        int all = eventsOfAPlainReply("/v1/messages", "sim-claude-sonnet");
        String model = channel(
                key,
                "ANTHROPIC",
                "sim-claude-sonnet",
                sc,
                Map.of("x-sim-chunks", "2", "x-sim-behavior", "drop-after", "x-sim-drop-after", String.valueOf(all)));
        String id = requestId();

        try (UsageReader usage = new UsageReader()) {
            OpenAiStream got = stream(
                    openAi(key),
                    ChatCompletionCreateParams.builder()
                            .model(model)
                            .addUserMessage("count")
                            .putAdditionalHeader("x-request-id", id)
                            .build());

            assertThat(got.completion().choices().getFirst().finishReason())
                    .isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
            UsageRecorded event = usage.await(List.of(id)).get(id);
            assertThat(event.outcome()).isEqualTo(Outcome.OK);
        }
    }
}
