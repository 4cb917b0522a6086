package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.ImageBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolChoiceAuto;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListPage;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.models.Model;
import dev.relay.contracts.UsageRecorded;
import dev.relay.contracts.UsageRecorded.Outcome;
import dev.relay.gateway.proxy.ProxyProperties;
import dev.relay.gateway.wire.UsageReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The gateway driven by the official Anthropic and OpenAI Java SDKs, non-streamed: each SDK against a channel of the
 * other protocol (translated) and of its own, asserting both what the SDK parsed and what the upstream simulator
 * received; usage metering through translation; the error shapes each SDK sees; the model lists. The streamed
 * counterparts are in {@link SdkStreamingIntegrationTests}.
 */
class SdkCompatibilityIntegrationTests extends SdkIntegrationSupport {

    @Autowired
    ProxyProperties proxy;

    // ============================================================ Anthropic SDK -> OpenAI-protocol channel

    @Test
    void anthropicSdkOverAnOpenAiChannelSendsSystemTurnsImageStopSequencesAndMaxTokensAndParsesTheReply() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "OPENAI", "sim-gpt-4o", sc, Map.of("x-sim-cache-read", "3"));

        Message reply = anthropic(key)
                .messages()
                .create(MessageCreateParams.builder()
                        .model(model)
                        .maxTokens(321)
                        .system("be brief and kind")
                        .addUserMessage("hello there, assistant")
                        .addAssistantMessage("hi, how can I help you today")
                        .addUserMessageOfContentBlockParams(List.of(
                                ContentBlockParam.ofText(TextBlockParam.builder()
                                        .text("describe this small picture please")
                                        .build()),
                                ContentBlockParam.ofImage(ImageBlockParam.builder()
                                        .source(Base64ImageSource.builder()
                                                .data(PNG_1X1)
                                                .mediaType(Base64ImageSource.MediaType.IMAGE_PNG)
                                                .build())
                                        .build())))
                        .addStopSequence("END")
                        .addStopSequence("STOP")
                        .putAdditionalBodyProperty("temperature", com.anthropic.core.JsonValue.from(0.5))
                        .metadata(com.anthropic.models.messages.Metadata.builder()
                                .userId("user-42")
                                .build())
                        .build());

        JsonNode recorded = onlyUpstreamRequest(sc);
        assertThat(recorded.get("path").asString()).isEqualTo("/v1/chat/completions");
        assertThat(header(recorded, "authorization"))
                .startsWith("Bearer sk-up-")
                .doesNotContain(key);
        assertThat(recorded.path("headers").has("x-api-key")).isFalse();
        JsonNode sent = body(recorded);
        assertThat(sent.get("model").asString()).isEqualTo("sim-gpt-4o");
        assertThat(sent.get("max_tokens").asLong()).isEqualTo(321);
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(sent.get("stop").toString()).isEqualTo("[\"END\",\"STOP\"]");
        assertThat(sent.get("user").asString()).isEqualTo("user-42");
        assertThat(sent.path("stream").asBoolean(false)).isFalse();
        JsonNode messages = sent.get("messages");
        assertThat(messages.size()).isEqualTo(4);
        assertThat(messages.at("/0/role").asString()).isEqualTo("system");
        assertThat(messages.at("/0/content").asString()).isEqualTo("be brief and kind");
        assertThat(messages.at("/1/role").asString()).isEqualTo("user");
        assertThat(messages.at("/1/content").asString()).isEqualTo("hello there, assistant");
        assertThat(messages.at("/2/role").asString()).isEqualTo("assistant");
        assertThat(messages.at("/2/content").asString()).isEqualTo("hi, how can I help you today");
        assertThat(messages.at("/3/role").asString()).isEqualTo("user");
        assertThat(messages.at("/3/content/0/text").asString()).isEqualTo("describe this small picture please");
        assertThat(messages.at("/3/content/1/type").asString()).isEqualTo("image_url");
        assertThat(messages.at("/3/content/1/image_url/url").asString()).isEqualTo("data:image/png;base64," + PNG_1X1);

        JsonNode upstream = replayUnstreamed(recorded);
        assertThat(reply.model().asString()).isEqualTo(model);
        assertThat(reply.id()).startsWith("msg_");
        assertThat(text(reply))
                .isEqualTo(upstream.at("/choices/0/message/content").asString());
        assertThat(reply.stopReason()).contains(StopReason.END_TURN);
        assertThat(reply.stopSequence()).isEmpty();
        long prompt = upstream.at("/usage/prompt_tokens").asLong();
        long cached = upstream.at("/usage/prompt_tokens_details/cached_tokens").asLong();
        assertThat(cached).isEqualTo(3);
        assertThat(reply.usage().inputTokens()).isEqualTo(prompt - cached);
        assertThat(reply.usage().cacheReadInputTokens()).contains(cached);
        assertThat(reply.usage().outputTokens())
                .isEqualTo(upstream.at("/usage/completion_tokens").asLong());
    }

    @Test
    void anthropicSdkOverAnOpenAiChannelGetsToolUseBlocksAndContinuesWithAToolResult() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "OPENAI", "sim-gpt-4o", sc, Map.of());
        AnthropicClient client = anthropic(key);
        MessageCreateParams first = MessageCreateParams.builder()
                .model(model)
                .maxTokens(200)
                .addTool(anthropicTool("get_weather", "city"))
                .toolChoice(ToolChoiceAuto.builder().build())
                .addUserMessage("what is the weather in Paris?")
                .build();

        Message toolTurn = client.messages().create(first);

        assertThat(toolTurn.model().asString()).isEqualTo(model);
        assertThat(toolTurn.stopReason()).contains(StopReason.TOOL_USE);
        List<ToolUseBlock> uses = toolTurn.content().stream()
                .filter(ContentBlock::isToolUse)
                .map(ContentBlock::asToolUse)
                .toList();
        assertThat(uses).hasSize(1);
        ToolUseBlock use = uses.getFirst();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use.id()).isNotBlank();
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "sim-city"));
        JsonNode firstSent = body(onlyUpstreamRequest(sc));
        assertThat(firstSent.at("/tools/0/type").asString()).isEqualTo("function");
        assertThat(firstSent.at("/tools/0/function/name").asString()).isEqualTo("get_weather");
        assertThat(firstSent
                        .at("/tools/0/function/parameters/properties/city/type")
                        .asString())
                .isEqualTo("string");
        assertThat(firstSent.at("/tools/0/function/parameters/required/0").asString())
                .isEqualTo("city");
        assertThat(firstSent.get("tool_choice").asString()).isEqualTo("auto");

        Message answer = client.messages()
                .create(first.toBuilder()
                        .addMessage(toolTurn)
                        .addUserMessageOfContentBlockParams(
                                List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                        .toolUseId(use.id())
                                        .content("sunny, 21 degrees")
                                        .build())))
                        .build());

        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
        assertThat(text(answer)).startsWith("This is a simulated reply from sim-gpt-4o");
        List<JsonNode> sentBoth = simRequests(sc);
        assertThat(sentBoth).hasSize(2);
        JsonNode messages = body(sentBoth.get(1)).get("messages");
        assertThat(messages.size()).isEqualTo(3);
        assertThat(messages.at("/1/role").asString()).isEqualTo("assistant");
        assertThat(messages.at("/1/tool_calls/0/id").asString()).isEqualTo(use.id());
        assertThat(messages.at("/1/tool_calls/0/function/name").asString()).isEqualTo("get_weather");
        assertThat(json(messages.at("/1/tool_calls/0/function/arguments").asString())
                        .get("city")
                        .asString())
                .isEqualTo("sim-city");
        assertThat(messages.at("/2/role").asString()).isEqualTo("tool");
        assertThat(messages.at("/2/tool_call_id").asString()).isEqualTo(use.id());
        assertThat(messages.at("/2/content").asString()).isEqualTo("sunny, 21 degrees");
    }

    @Test
    void anthropicSdkOverAnOpenAiChannelGetsParallelToolCallsAsSeparateToolUseBlocks() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "OPENAI", "sim-gpt-4o", sc, Map.of("x-sim-parallel-tools", "2"));

        Message reply = anthropic(key)
                .messages()
                .create(MessageCreateParams.builder()
                        .model(model)
                        .maxTokens(200)
                        .addTool(anthropicTool("get_weather", "city"))
                        .addTool(anthropicTool("get_time", "zone"))
                        .toolChoice(ToolChoiceAny.builder().build())
                        .addUserMessage("what is the weather and the time in Paris?")
                        .build());

        assertThat(reply.stopReason()).contains(StopReason.TOOL_USE);
        List<ToolUseBlock> uses = reply.content().stream()
                .filter(ContentBlock::isToolUse)
                .map(ContentBlock::asToolUse)
                .toList();
        assertThat(uses).extracting(ToolUseBlock::name).containsExactly("get_weather", "get_time");
        assertThat(uses.get(0).id()).isNotEqualTo(uses.get(1).id());
        assertThat(uses.get(0)._input().convert(Map.class)).isEqualTo(Map.of("city", "sim-city"));
        assertThat((String) uses.get(1)._input().convert(Map.class).get("zone")).startsWith("sim-zone");
        JsonNode sent = body(onlyUpstreamRequest(sc));
        assertThat(sent.get("tool_choice").asString()).isEqualTo("required");
        assertThat(sent.get("tools").size()).isEqualTo(2);
    }

    // ============================================================ Anthropic SDK -> Anthropic-protocol channel

    @Test
    void anthropicSdkOverAnAnthropicChannelGetsTheUpstreamReplyWithThePublicModelNameAndItsVersionHeader() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "ANTHROPIC", "sim-claude-sonnet", sc, Map.of("x-sim-cache-read", "2"));

        Message reply = anthropic(key)
                .messages()
                .create(MessageCreateParams.builder()
                        .model(model)
                        .maxTokens(77)
                        .system("answer in one sentence")
                        .addUserMessage("hello")
                        .addAssistantMessage("hello to you")
                        .addUserMessage("tell me something nice")
                        .addStopSequence("END")
                        .putAdditionalHeader("anthropic-version", "2023-01-01")
                        .putAdditionalHeader("anthropic-beta", "prompt-caching-2024-07-31")
                        .build());

        JsonNode recorded = onlyUpstreamRequest(sc);
        assertThat(recorded.get("path").asString()).isEqualTo("/v1/messages");
        assertThat(header(recorded, "anthropic-version")).isEqualTo("2023-01-01");
        assertThat(header(recorded, "anthropic-beta")).isEqualTo("prompt-caching-2024-07-31");
        assertThat(header(recorded, "x-api-key")).startsWith("sk-up-").isNotEqualTo(key);
        assertThat(recorded.toString()).doesNotContain(key);
        JsonNode sent = body(recorded);
        assertThat(sent.get("model").asString()).isEqualTo("sim-claude-sonnet");
        assertThat(sent.get("max_tokens").asLong()).isEqualTo(77);
        assertThat(sent.get("system").asString()).isEqualTo("answer in one sentence");
        assertThat(sent.get("messages").size()).isEqualTo(3);
        assertThat(sent.get("stop_sequences").toString()).isEqualTo("[\"END\"]");

        JsonNode upstream = json(replay(recorded).body());
        assertThat(reply.model().asString()).isEqualTo(model);
        assertThat(reply.id()).startsWith("msg_");
        assertThat(text(reply)).isEqualTo(upstream.at("/content/0/text").asString());
        assertThat(text(reply)).startsWith("This is a simulated reply from sim-claude-sonnet");
        assertThat(reply.stopReason()).contains(StopReason.END_TURN);
        assertThat(reply.usage().inputTokens())
                .isEqualTo(upstream.at("/usage/input_tokens").asLong());
        assertThat(reply.usage().outputTokens())
                .isEqualTo(upstream.at("/usage/output_tokens").asLong());
        assertThat(reply.usage().cacheReadInputTokens()).contains(2L);
    }

    @Test
    void anthropicSdkOverAnAnthropicChannelGetsToolUseAndContinuesWithAToolResult() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "ANTHROPIC", "sim-claude-sonnet", sc, Map.of());
        AnthropicClient client = anthropic(key);
        MessageCreateParams first = MessageCreateParams.builder()
                .model(model)
                .maxTokens(200)
                .addTool(anthropicTool("get_weather", "city"))
                .addUserMessage("how is the weather in Rome?")
                .build();

        Message toolTurn = client.messages().create(first);

        assertThat(toolTurn.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = toolTurn.content().stream()
                .filter(ContentBlock::isToolUse)
                .map(ContentBlock::asToolUse)
                .findFirst()
                .orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "sim-city"));

        Message answer = client.messages()
                .create(first.toBuilder()
                        .addMessage(toolTurn)
                        .addUserMessageOfContentBlockParams(
                                List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                        .toolUseId(use.id())
                                        .content("rainy")
                                        .build())))
                        .build());

        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
        assertThat(answer.model().asString()).isEqualTo(model);
        List<JsonNode> sent = simRequests(sc);
        assertThat(sent).hasSize(2);
        JsonNode messages = body(sent.get(1)).get("messages");
        assertThat(messages.at("/1/content/0/type").asString()).isEqualTo("tool_use");
        assertThat(messages.at("/1/content/0/id").asString()).isEqualTo(use.id());
        assertThat(messages.at("/2/content/0/type").asString()).isEqualTo("tool_result");
        assertThat(messages.at("/2/content/0/tool_use_id").asString()).isEqualTo(use.id());
    }

    @Test
    void anthropicSdkCountsTokensThroughAnAnthropicChannelAndLocallyForAnOpenAiOnlyModel() {
        String key = newClientKey();
        String sc = scenario();
        String anthropicModel = channel(key, "ANTHROPIC", "sim-claude-sonnet", sc, Map.of());
        String openAiModel = channel(key, "OPENAI", "sim-gpt-4o", scenario(), Map.of());
        AnthropicClient client = anthropic(key);

        long upstreamCount = client.messages()
                .countTokens(MessageCountTokensParams.builder()
                        .model(anthropicModel)
                        .system("be brief")
                        .addUserMessage("count these five words please")
                        .build())
                .inputTokens();
        long localCount = client.messages()
                .countTokens(MessageCountTokensParams.builder()
                        .model(openAiModel)
                        .system("be brief")
                        .addUserMessage("count these five words please")
                        .build())
                .inputTokens();

        JsonNode recorded = onlyUpstreamRequest(sc);
        assertThat(recorded.get("path").asString()).isEqualTo("/v1/messages/count_tokens");
        assertThat(body(recorded).get("model").asString()).isEqualTo("sim-claude-sonnet");
        assertThat(upstreamCount)
                .isEqualTo(json(replay(recorded).body()).get("input_tokens").asLong());
        assertThat(localCount).isPositive();
    }

    @Test
    void anthropicSdkOverAnOpenAiChannelGetsReasoningAsAThinkingBlockAndMaySendItBack() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "OPENAI", "sim-gpt-4o", sc, Map.of("x-sim-reasoning", "true"));
        AnthropicClient client = anthropic(key);
        MessageCreateParams first = MessageCreateParams.builder()
                .model(model)
                .maxTokens(300)
                .addUserMessage("think about the number seven")
                .build();

        Message reply = client.messages().create(first);

        JsonNode upstream = replayUnstreamed(onlyUpstreamRequest(sc));
        assertThat(reply.content()).hasSize(2);
        assertThat(reply.content().get(0).isThinking()).isTrue();
        assertThat(reply.content().get(0).asThinking().thinking())
                .isEqualTo(upstream.at("/choices/0/message/reasoning_content").asString());
        assertThat(reply.content().get(1).asText().text())
                .isEqualTo(upstream.at("/choices/0/message/content").asString());

        Message next = client.messages()
                .create(first.toBuilder()
                        .addMessage(reply)
                        .addUserMessage("and now eight")
                        .build());

        assertThat(text(next)).startsWith("This is a simulated reply from sim-gpt-4o");
        JsonNode messages = body(simRequests(sc).get(1)).get("messages");
        assertThat(messages.size()).isEqualTo(3);
        assertThat(messages.at("/1/role").asString()).isEqualTo("assistant");
        assertThat(messages.at("/1/content").asString())
                .isEqualTo(reply.content().get(1).asText().text());
    }

    // ============================================================ OpenAI SDK -> Anthropic-protocol channel

    @Test
    void openAiSdkOverAnAnthropicChannelSendsSystemTurnsImagesStopAndADefaultMaxTokensAndParsesTheReply() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "ANTHROPIC", "sim-claude-sonnet", sc, Map.of("x-sim-cache-read", "2"));

        ChatCompletion reply = openAi(key)
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(model)
                        .addSystemMessage("be brief and kind")
                        .addUserMessage("hello there, assistant")
                        .addAssistantMessage("hi, how can I help you today")
                        .addUserMessageOfArrayOfContentParts(List.of(
                                ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
                                        .text("compare these two pictures")
                                        .build()),
                                ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                        .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                                .url("data:image/png;base64," + PNG_1X1)
                                                .build())
                                        .build()),
                                ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                        .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                                .url("https://example.com/cat.png")
                                                .build())
                                        .build())))
                        .stop("END")
                        .temperature(0.25)
                        .user("user-7")
                        .build());

        JsonNode recorded = onlyUpstreamRequest(sc);
        assertThat(recorded.get("path").asString()).isEqualTo("/v1/messages");
        assertThat(header(recorded, "x-api-key")).startsWith("sk-up-");
        assertThat(header(recorded, "anthropic-version")).isEqualTo("2023-06-01");
        assertThat(recorded.toString()).doesNotContain(key);
        JsonNode sent = body(recorded);
        assertThat(sent.get("model").asString()).isEqualTo("sim-claude-sonnet");
        assertThat(sent.get("max_tokens").asLong()).isEqualTo((long) proxy.defaultMaxTokens());
        assertThat(sent.get("system").asString()).isEqualTo("be brief and kind");
        assertThat(sent.get("stop_sequences").toString()).isEqualTo("[\"END\"]");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.25);
        assertThat(sent.at("/metadata/user_id").asString()).isEqualTo("user-7");
        JsonNode messages = sent.get("messages");
        assertThat(messages.size()).isEqualTo(3);
        assertThat(messages.at("/0/role").asString()).isEqualTo("user");
        assertThat(messages.at("/0/content/0/text").asString()).isEqualTo("hello there, assistant");
        assertThat(messages.at("/1/role").asString()).isEqualTo("assistant");
        assertThat(messages.at("/1/content/0/text").asString()).isEqualTo("hi, how can I help you today");
        assertThat(messages.at("/2/content/0/text").asString()).isEqualTo("compare these two pictures");
        assertThat(messages.at("/2/content/1/type").asString()).isEqualTo("image");
        assertThat(messages.at("/2/content/1/source/type").asString()).isEqualTo("base64");
        assertThat(messages.at("/2/content/1/source/media_type").asString()).isEqualTo("image/png");
        assertThat(messages.at("/2/content/1/source/data").asString()).isEqualTo(PNG_1X1);
        assertThat(messages.at("/2/content/2/source/type").asString()).isEqualTo("url");
        assertThat(messages.at("/2/content/2/source/url").asString()).isEqualTo("https://example.com/cat.png");

        JsonNode upstream = json(replay(recorded).body());
        assertThat(reply.model()).isEqualTo(model);
        assertThat(reply.id()).startsWith("chatcmpl-");
        ChatCompletion.Choice choice = reply.choices().getFirst();
        assertThat(choice.message().content())
                .contains(upstream.at("/content/0/text").asString());
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        long input = upstream.at("/usage/input_tokens").asLong();
        long cacheRead = upstream.at("/usage/cache_read_input_tokens").asLong();
        assertThat(cacheRead).isEqualTo(2);
        assertThat(reply.usage()).isPresent();
        assertThat(reply.usage().get().promptTokens()).isEqualTo(input + cacheRead);
        assertThat(reply.usage().get().completionTokens())
                .isEqualTo(upstream.at("/usage/output_tokens").asLong());
        assertThat(reply.usage().get().promptTokensDetails().flatMap(d -> d.cachedTokens()))
                .contains(cacheRead);
    }

    @Test
    void openAiSdkOverAnAnthropicChannelGetsParallelToolCallsAndContinuesWithToolMessages() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "ANTHROPIC", "sim-claude-sonnet", sc, Map.of("x-sim-parallel-tools", "2"));
        OpenAIClient client = openAi(key);
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder()
                .model(model)
                .maxCompletionTokens(150)
                .addTool(openAiTool("get_weather", "city"))
                .addTool(openAiTool("get_time", "zone"))
                .toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO)
                .addUserMessage("what's the weather and the time in Oslo?")
                .build();

        ChatCompletion toolTurn = client.chat().completions().create(first);

        ChatCompletion.Choice choice = toolTurn.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(ChatCompletionMessageToolCall::asFunction)
                .toList();
        assertThat(calls).extracting(c -> c.function().name()).containsExactly("get_weather", "get_time");
        assertThat(json(calls.get(0).function().arguments()).get("city").asString())
                .isEqualTo("sim-city");
        assertThat(json(calls.get(1).function().arguments()).get("zone").asString())
                .startsWith("sim-zone");
        assertThat(calls.get(0).id()).isNotEqualTo(calls.get(1).id());
        JsonNode firstSent = body(onlyUpstreamRequest(sc));
        assertThat(firstSent.get("max_tokens").asLong()).isEqualTo(150);
        assertThat(firstSent.at("/tools/0/name").asString()).isEqualTo("get_weather");
        assertThat(firstSent.at("/tools/0/input_schema/properties/city/type").asString())
                .isEqualTo("string");
        assertThat(firstSent.at("/tools/1/name").asString()).isEqualTo("get_time");
        assertThat(firstSent.at("/tool_choice/type").asString()).isEqualTo("auto");

        ChatCompletion answer = client.chat()
                .completions()
                .create(first.toBuilder()
                        .addMessage(choice.message())
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId(calls.get(0).id())
                                .content("cold, -3 degrees")
                                .build())
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId(calls.get(1).id())
                                .content("14:05")
                                .build())
                        .build());

        assertThat(answer.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.choices().getFirst().message().content().orElse(""))
                .startsWith("This is a simulated reply from sim-claude-sonnet");
        List<JsonNode> sent = simRequests(sc);
        assertThat(sent).hasSize(2);
        JsonNode messages = body(sent.get(1)).get("messages");
        assertThat(messages.size()).isEqualTo(3);
        assertThat(messages.at("/1/role").asString()).isEqualTo("assistant");
        assertThat(messages.at("/1/content/0/type").asString()).isEqualTo("tool_use");
        assertThat(messages.at("/1/content/0/id").asString())
                .isEqualTo(calls.get(0).id());
        assertThat(messages.at("/1/content/0/input/city").asString()).isEqualTo("sim-city");
        assertThat(messages.at("/1/content/1/input/zone").asString())
                .isEqualTo(json(calls.get(1).function().arguments()).get("zone").asString());
        assertThat(messages.at("/1/content/1/id").asString())
                .isEqualTo(calls.get(1).id());
        assertThat(messages.at("/2/role").asString()).isEqualTo("user");
        assertThat(messages.at("/2/content/0/type").asString()).isEqualTo("tool_result");
        assertThat(messages.at("/2/content/0/tool_use_id").asString())
                .isEqualTo(calls.get(0).id());
        assertThat(messages.at("/2/content/0/content").asString()).isEqualTo("cold, -3 degrees");
        assertThat(messages.at("/2/content/1/tool_use_id").asString())
                .isEqualTo(calls.get(1).id());
    }

    // ============================================================ OpenAI SDK -> OpenAI channel (regression)

    @Test
    void openAiSdkOverAnOpenAiChannelStillGetsTheUpstreamReplyAndToolCalls() {
        String key = newClientKey();
        String sc = scenario();
        String model = channel(key, "OPENAI", "sim-gpt-4o", sc, Map.of());
        OpenAIClient client = openAi(key);

        ChatCompletion reply = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(model)
                        .addSystemMessage("be brief")
                        .addUserMessage("hello")
                        .maxTokens(40)
                        .build());
        ChatCompletion tools = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(model)
                        .addTool(openAiTool("get_weather", "city"))
                        .addUserMessage("weather in Lima?")
                        .build());

        List<JsonNode> sent = simRequests(sc);
        assertThat(sent).hasSize(2);
        JsonNode upstream = json(replay(sent.get(0)).body());
        assertThat(reply.model()).isEqualTo(model);
        assertThat(reply.choices().getFirst().message().content())
                .contains(upstream.at("/choices/0/message/content").asString());
        assertThat(reply.usage().orElseThrow().promptTokens())
                .isEqualTo(upstream.at("/usage/prompt_tokens").asLong());
        assertThat(body(sent.get(0)).get("max_tokens").asLong()).isEqualTo(40);
        assertThat(body(sent.get(0)).get("model").asString()).isEqualTo("sim-gpt-4o");
        assertThat(tools.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(tools.choices().getFirst().message().toolCalls().orElseThrow())
                .singleElement()
                .satisfies(c -> assertThat(c.asFunction().function().name()).isEqualTo("get_weather"));
    }

    // ============================================================ usage metering through translation

    @Test
    void metersTranslatedRequestsWithExactlyTheTokenFiguresTheUpstreamReported() {
        String key = newClientKey();
        String scOpenAi = scenario();
        String scAnthropic = scenario();
        String overOpenAi = channel(key, "OPENAI", "sim-gpt-4o", scOpenAi, Map.of("x-sim-cache-read", "2"));
        String overAnthropic =
                channel(key, "ANTHROPIC", "sim-claude-sonnet", scAnthropic, Map.of("x-sim-cache-read", "3"));
        AnthropicClient anthropicClient = anthropic(key);
        OpenAIClient openAiClient = openAi(key);
        String anthropicPlain = requestId();
        String anthropicStreamed = requestId();
        String openAiPlain = requestId();
        String openAiStreamed = requestId();

        try (UsageReader usage = new UsageReader()) {
            MessageCreateParams messages = MessageCreateParams.builder()
                    .model(overOpenAi)
                    .maxTokens(100)
                    .system("count my words")
                    .addUserMessage("one two three four five six")
                    .build();
            anthropicClient
                    .messages()
                    .create(messages.toBuilder()
                            .putAdditionalHeader("x-request-id", anthropicPlain)
                            .build());
            try (var stream = anthropicClient
                    .messages()
                    .createStreaming(messages.toBuilder()
                            .putAdditionalHeader("x-request-id", anthropicStreamed)
                            .build())) {
                stream.stream().forEach(e -> {});
            }
            ChatCompletionCreateParams chat = ChatCompletionCreateParams.builder()
                    .model(overAnthropic)
                    .addSystemMessage("count my words")
                    .addUserMessage("one two three four five six seven")
                    .build();
            openAiClient
                    .chat()
                    .completions()
                    .create(chat.toBuilder()
                            .putAdditionalHeader("x-request-id", openAiPlain)
                            .build());
            try (var stream = openAiClient
                    .chat()
                    .completions()
                    .createStreaming(chat.toBuilder()
                            .putAdditionalHeader("x-request-id", openAiStreamed)
                            .build())) {
                stream.stream().forEach(c -> {});
            }

            Map<String, UsageRecorded> events =
                    usage.await(List.of(anthropicPlain, anthropicStreamed, openAiPlain, openAiStreamed));

            List<JsonNode> toOpenAi = simRequests(scOpenAi);
            List<JsonNode> toAnthropic = simRequests(scAnthropic);
            assertThat(toOpenAi).hasSize(2);
            assertThat(toAnthropic).hasSize(2);
            assertMetered(events.get(anthropicPlain), "anthropic.messages", overOpenAi, false, toOpenAi.get(0));
            assertMetered(events.get(anthropicStreamed), "anthropic.messages", overOpenAi, true, toOpenAi.get(1));
            assertMetered(events.get(openAiPlain), "openai.chat", overAnthropic, false, toAnthropic.get(0));
            assertMetered(events.get(openAiStreamed), "openai.chat", overAnthropic, true, toAnthropic.get(1));
            assertThat(events.get(anthropicPlain).usage().cacheReadTokens()).isEqualTo(2);
            assertThat(events.get(openAiStreamed).usage().cacheReadTokens()).isEqualTo(3);
        }
    }

    private void assertMetered(UsageRecorded e, String api, String model, boolean stream, JsonNode recorded) {
        long[] upstream = upstreamUsage(recorded);
        assertThat(body(recorded).path("stream").asBoolean(false)).isEqualTo(stream);
        assertThat(e.clientApi()).isEqualTo(api);
        assertThat(e.publicModel()).isEqualTo(model);
        assertThat(e.stream()).isEqualTo(stream);
        assertThat(e.outcome()).isEqualTo(Outcome.OK);
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.usage().estimated()).isFalse();
        assertThat(e.usage().promptTokens())
                .as("prompt tokens of %s", e.requestId())
                .isEqualTo(upstream[0]);
        assertThat(e.usage().completionTokens())
                .as("completion tokens of %s", e.requestId())
                .isEqualTo(upstream[1]);
        assertThat(e.usage().cacheReadTokens())
                .as("cache read of %s", e.requestId())
                .isEqualTo(upstream[2]);
    }

    // ============================================================ error shapes per SDK

    @Test
    void anInvalidKeyIsAnAuthenticationErrorInEachSdksOwnShape() {
        String key = newClientKey();
        String model = channel(key, "OPENAI", "sim-gpt-4o", scenario(), Map.of());

        var anthropicError = catchThrowableOfType(
                com.anthropic.errors.UnauthorizedException.class,
                () -> anthropic("sk-relay-not-a-key")
                        .messages()
                        .create(MessageCreateParams.builder()
                                .model(model)
                                .maxTokens(10)
                                .addUserMessage("hi")
                                .build()));
        var openAiError = catchThrowableOfType(
                com.openai.errors.UnauthorizedException.class,
                () -> openAi("sk-relay-not-a-key")
                        .chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model(model)
                                .addUserMessage("hi")
                                .build()));

        var anthropicStreamError = catchThrowableOfType(
                com.anthropic.errors.UnauthorizedException.class,
                () -> anthropic("sk-relay-not-a-key")
                        .messages()
                        .createStreaming(MessageCreateParams.builder()
                                .model(model)
                                .maxTokens(10)
                                .addUserMessage("hi")
                                .build())
                        .close());
        var openAiStreamError = catchThrowableOfType(
                com.openai.errors.UnauthorizedException.class,
                () -> openAi("sk-relay-not-a-key")
                        .chat()
                        .completions()
                        .createStreaming(ChatCompletionCreateParams.builder()
                                .model(model)
                                .addUserMessage("hi")
                                .build())
                        .close());

        assertThat(anthropicError.statusCode()).isEqualTo(401);
        assertThat(anthropicError.requestId())
                .as("Anthropic's request-id header")
                .isPresent();
        assertThat(anthropicError.headers().values("x-request-id"))
                .containsExactly(anthropicError.requestId().get());
        assertThat(errorBody(anthropicStreamError).at("/error/type").asString()).isEqualTo("authentication_error");
        assertThat(openAiStreamError.code()).contains("invalid_api_key");
        JsonNode a = errorBody(anthropicError);
        assertThat(a.get("type").asString()).isEqualTo("error");
        assertThat(a.at("/error/type").asString()).isEqualTo("authentication_error");
        assertThat(a.at("/error/message").asString()).isNotBlank();
        assertThat(openAiError.statusCode()).isEqualTo(401);
        assertThat(openAiError.code()).contains("invalid_api_key");
        assertThat(openAiError.type()).contains("invalid_request_error");
        assertThat(errorBody(openAiError).at("/message").asString()).isNotBlank();
    }

    @Test
    void anUnknownModelIsANotFoundErrorInEachSdksOwnShape() {
        String key = newClientKey();
        channel(key, "OPENAI", "sim-gpt-4o", scenario(), Map.of());
        String unknown = uniqueModel();

        var anthropicError = catchThrowableOfType(
                com.anthropic.errors.NotFoundException.class,
                () -> anthropic(key)
                        .messages()
                        .create(MessageCreateParams.builder()
                                .model(unknown)
                                .maxTokens(10)
                                .addUserMessage("hi")
                                .build()));
        var openAiError = catchThrowableOfType(
                com.openai.errors.NotFoundException.class,
                () -> openAi(key)
                        .chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model(unknown)
                                .addUserMessage("hi")
                                .build()));

        var anthropicStreamError = catchThrowableOfType(
                com.anthropic.errors.NotFoundException.class,
                () -> anthropic(key)
                        .messages()
                        .createStreaming(MessageCreateParams.builder()
                                .model(unknown)
                                .maxTokens(10)
                                .addUserMessage("hi")
                                .build())
                        .close());
        var openAiStreamError = catchThrowableOfType(
                com.openai.errors.NotFoundException.class,
                () -> openAi(key)
                        .chat()
                        .completions()
                        .createStreaming(ChatCompletionCreateParams.builder()
                                .model(unknown)
                                .addUserMessage("hi")
                                .build())
                        .close());

        assertThat(errorBody(anthropicStreamError).at("/error/type").asString()).isEqualTo("not_found_error");
        assertThat(openAiStreamError.code()).contains("model_not_found");
        assertThat(anthropicError.statusCode()).isEqualTo(404);
        assertThat(anthropicError.requestId()).isPresent();
        assertThat(errorBody(anthropicError).get("type").asString()).isEqualTo("error");
        assertThat(errorBody(anthropicError).at("/error/type").asString()).isEqualTo("not_found_error");
        assertThat(errorBody(anthropicError).at("/error/message").asString()).contains(unknown);
        assertThat(openAiError.statusCode()).isEqualTo(404);
        assertThat(openAiError.code()).contains("model_not_found");
        assertThat(openAiError.param()).contains("model");
        assertThat(errorBody(openAiError).at("/message").asString()).contains(unknown);
    }

    @Test
    void anUpstream429OnEveryChannelIsARateLimitErrorInEachSdksOwnShape() {
        String key = newClientKey();
        // one model per SDK: a 429 cools its channels down, so a second request would not reach them
        String[] anthropicScenarios = {scenario(), scenario()};
        String[] openAiScenarios = {scenario(), scenario()};
        String forAnthropic = rateLimitedModel(key, anthropicScenarios);
        String forOpenAi = rateLimitedModel(key, openAiScenarios);

        var anthropicError = catchThrowableOfType(
                com.anthropic.errors.RateLimitException.class,
                () -> anthropic(key)
                        .messages()
                        .create(MessageCreateParams.builder()
                                .model(forAnthropic)
                                .maxTokens(10)
                                .addUserMessage("hi")
                                .build()));
        var openAiError = catchThrowableOfType(
                com.openai.errors.RateLimitException.class,
                () -> openAi(key)
                        .chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model(forOpenAi)
                                .addUserMessage("hi")
                                .build()));

        for (String sc :
                List.of(anthropicScenarios[0], anthropicScenarios[1], openAiScenarios[0], openAiScenarios[1])) {
            assertThat(simRequests(sc)).as("every channel was tried once").hasSize(1);
        }
        assertThat(anthropicError.statusCode()).isEqualTo(429);
        JsonNode a = errorBody(anthropicError);
        assertThat(a.get("type").asString()).isEqualTo("error");
        assertThat(a.at("/error/type").asString()).isEqualTo("rate_limit_error");
        assertThat(a.at("/error/message").asString()).isNotBlank();
        assertThat(anthropicError.headers().values("retry-after")).isNotEmpty();
        assertThat(openAiError.statusCode()).isEqualTo(429);
        JsonNode o = errorBody(openAiError);
        assertThat(o.at("/message").asString()).isNotBlank();
        assertThat(openAiError.type()).isPresent();
        assertThat(openAiError.type().get()).isNotEqualTo("error");
        assertThat(openAiError.headers().values("retry-after")).isNotEmpty();
    }

    /** A model served by an OpenAI and an Anthropic channel that both answer 429. */
    private String rateLimitedModel(String key, String[] scenarios) {
        String model = uniqueModel();
        newChannel(
                model,
                "sim-gpt-4o",
                "sk-up-429-a",
                "OPENAI",
                Map.of("x-sim-scenario-id", scenarios[0], "x-sim-behavior", "429", "x-sim-retry-after", "7"),
                Map.of());
        newChannel(
                model,
                "sim-claude-sonnet",
                "sk-up-429-b",
                "ANTHROPIC",
                Map.of("x-sim-scenario-id", scenarios[1], "x-sim-behavior", "429", "x-sim-retry-after", "7"),
                Map.of());
        awaitModelVisible(key, model);
        return model;
    }

    // ============================================================ model lists

    @Test
    void bothSdksListTheKeysModelsAnthropicsInItsOwnShape() {
        String key = newClientKey();
        String model = channel(key, "ANTHROPIC", "sim-claude-sonnet", scenario(), Map.of());

        ModelListPage anthropicPage = anthropic(key).models().list();
        List<Model> openAiModels = openAi(key).models().list().data();

        assertThat(anthropicPage.data()).extracting(ModelInfo::id).contains(model);
        ModelInfo info = anthropicPage.data().stream()
                .filter(m -> m.id().equals(model))
                .findFirst()
                .orElseThrow();
        assertThat(info.displayName()).isEqualTo(model);
        assertThat(info.createdAt()).isNotNull();
        assertThat(info.lifecycle()).isEqualTo(ModelInfo.Lifecycle.ACTIVE);
        assertThat(anthropicPage.hasMore()).contains(false);
        assertThat(anthropicPage.firstId()).isPresent();
        assertThat(anthropicPage.hasNextPage()).isFalse();
        assertThat(anthropic(key).models().retrieve(model).id()).isEqualTo(model);
        assertThat(openAiModels).extracting(Model::id).contains(model);
        assertThat(openAi(key).models().retrieve(model).id()).isEqualTo(model);
        assertThat(openAiModels.stream()
                        .filter(m -> m.id().equals(model))
                        .findFirst()
                        .orElseThrow()
                        .ownedBy())
                .isEqualTo("relay");
        assertThat(catchThrowableOfType(
                        com.anthropic.errors.NotFoundException.class,
                        () -> anthropic(key).models().retrieve(uniqueModel())))
                .isNotNull();
    }
}
