package dev.relay.gateway.translate;

import static dev.relay.gateway.translate.OpenAiOverAnthropic.JSON;
import static dev.relay.gateway.translate.OpenAiOverAnthropic.count;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.api.OpenAiErrors;
import dev.relay.gateway.wire.SseBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An Anthropic Messages event stream turned into OpenAI {@code chat.completion.chunk} events, as an explicit state
 * object over a buffer (see {@link StreamTranslator}). Created by {@link OpenAiOverAnthropic#stream}.
 *
 * <ul>
 *   <li>{@code message_start} -> the first chunk ({@code role: assistant, content: ""}); its id gives every chunk's id
 *       ({@code chatcmpl-<message id>}) and its usage the input and cache figures.
 *   <li>{@code text_delta} -> {@code delta.content}; {@code thinking_delta} -> {@code delta.reasoning_content};
 *       {@code signature_delta}, {@code citations_delta}, {@code ping} and {@code content_block_stop} -> nothing.
 *   <li>a {@code tool_use} block -> a tool call numbered 0, 1, 2… in order of appearance: its start gives id and name
 *       with empty arguments, its non-empty {@code input_json_delta} fragments the arguments. Server tool blocks
 *       ({@code server_tool_use}, search results) and redacted thinking are not shown to the client.
 *   <li>{@code message_delta} -> a chunk with an empty delta and the finish reason; {@code message_stop} -> the usage
 *       chunk (when the client asked for it: then every other chunk has {@code "usage":null}, as OpenAI does) and
 *       {@code [DONE]}.
 *   <li>an in-band {@code error} event -> an OpenAI error event ({@code server_error}, code {@code upstream_error})
 *       and nothing after it, no {@code [DONE]}.
 * </ul>
 *
 * Once the stream has ended — {@code [DONE]} or an error event sent — nothing more is emitted: later upstream bytes
 * are ignored and {@link #fail} returns no events (the client already saw how the stream ended).
 */
public final class OpenAiOverAnthropicStream implements StreamTranslator {

    private static final int MAX_DELIVERED_CHARS = 1 << 20;

    private final SseBuffer buffer = new SseBuffer();
    private final String publicModel;
    private final long created;
    private final boolean includeUsage;

    private String id = "chatcmpl-";
    private boolean started;
    private boolean finishSent;
    private boolean completed;
    private boolean ended;

    private boolean usageSeen;
    private long inputTokens;
    private long outputTokens;
    private long cacheReadTokens;
    private long cacheWriteTokens;

    /** Anthropic content block index -> the tool call it is, for tool_use blocks only. */
    private final Map<Integer, ToolBlock> toolBlocks = new HashMap<>();

    private int toolCalls;
    private final StringBuilder delivered = new StringBuilder();

    private static final class ToolBlock {
        final int index;
        final JsonNode startInput;
        boolean argumentsSent;

        ToolBlock(int index, JsonNode startInput) {
            this.index = index;
            this.startInput = startInput;
        }
    }

    OpenAiOverAnthropicStream(String publicModel, long created, boolean includeUsage) {
        this.publicModel = publicModel;
        this.created = created;
        this.includeUsage = includeUsage;
    }

    @Override
    public List<byte[]> accept(byte[] upstreamChunk) {
        if (ended) {
            return List.of();
        }
        buffer.append(upstreamChunk);
        List<byte[]> out = new ArrayList<>(2);
        byte[] event;
        while (!ended && (event = buffer.nextEvent()) != null) {
            process(event, out);
        }
        return out;
    }

    @Override
    public List<byte[]> finish() {
        byte[] rest = buffer.drain();
        if (ended) {
            return List.of();
        }
        String s = new String(rest, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            return List.of();
        }
        List<byte[]> out = new ArrayList<>(2);
        process((s + "\n\n").getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    @Override
    public List<byte[]> fail(String message, String code) {
        if (ended) {
            return List.of();
        }
        ended = true;
        return List.of(OpenAiErrors.streamEvent(message, "server_error", code));
    }

    @Override
    public boolean completed() {
        return completed;
    }

    @Override
    public TokenUsage usage() {
        return usageSeen ? currentUsage() : null;
    }

    @Override
    public String deliveredText() {
        return delivered.toString();
    }

    private TokenUsage currentUsage() {
        return new TokenUsage(inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, false);
    }

    private void process(byte[] event, List<byte[]> out) {
        String data = SseBuffer.data(event);
        if (data == null || data.isBlank()) {
            return; // comment or keep-alive
        }
        JsonNode node;
        try {
            node = JSON.readTree(data);
        } catch (JacksonException e) {
            return; // not JSON: nothing a client could use
        }
        if (node == null || !node.isObject()) {
            return;
        }
        String type = node.path("type").isString() ? node.path("type").stringValue() : SseBuffer.eventName(event);
        if (type == null) {
            return;
        }
        switch (type) {
            case "message_start" -> messageStart(node.path("message"), out);
            case "content_block_start" -> blockStart(node, out);
            case "content_block_delta" -> blockDelta(node, out);
            case "content_block_stop" -> blockStop(node, out);
            case "message_delta" -> messageDelta(node, out);
            case "message_stop" -> messageStop(out);
            case "error" -> error(node, out);
            default -> {} // ping and event types added later
        }
    }

    private void messageStart(JsonNode message, List<byte[]> out) {
        if (started) {
            return;
        }
        JsonNode msgId = message.path("id");
        if (msgId.isString()) {
            id = "chatcmpl-" + msgId.stringValue();
        }
        readUsage(message.path("usage"));
        usageSeen = true;
        ensureStarted(out);
    }

    private void ensureStarted(List<byte[]> out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode delta = JSON.createObjectNode();
        delta.put("role", "assistant");
        delta.put("content", "");
        out.add(choiceChunk(delta, null));
    }

    private void blockStart(JsonNode node, List<byte[]> out) {
        ensureStarted(out);
        JsonNode block = node.path("content_block");
        switch (block.path("type").asString("")) {
            case "text" -> content("content", block.path("text").asString(""), out);
            case "thinking" ->
                content("reasoning_content", block.path("thinking").asString(""), out);
            case "tool_use" -> {
                ToolBlock tool = new ToolBlock(toolCalls++, block.get("input"));
                toolBlocks.put(node.path("index").asInt(-1), tool);
                String name = block.path("name").asString("");
                append(name);
                ObjectNode call = JSON.createObjectNode();
                call.put("index", tool.index);
                call.put("id", block.path("id").asString(""));
                call.put("type", "function");
                ObjectNode fn = call.putObject("function");
                fn.put("name", name);
                fn.put("arguments", "");
                out.add(toolCallChunk(call));
            }
            default -> {} // server_tool_use, *_tool_result, redacted_thinking: not for the client
        }
    }

    private void blockDelta(JsonNode node, List<byte[]> out) {
        ensureStarted(out);
        JsonNode delta = node.path("delta");
        switch (delta.path("type").asString("")) {
            case "text_delta" -> content("content", delta.path("text").asString(""), out);
            case "thinking_delta" ->
                content("reasoning_content", delta.path("thinking").asString(""), out);
            case "input_json_delta" -> {
                ToolBlock tool = toolBlocks.get(node.path("index").asInt(-1));
                String fragment = delta.path("partial_json").asString("");
                if (tool != null && !fragment.isEmpty()) {
                    tool.argumentsSent = true;
                    out.add(arguments(tool, fragment));
                }
            }
            default -> {} // signature_delta, citations_delta
        }
    }

    private void blockStop(JsonNode node, List<byte[]> out) {
        ToolBlock tool = toolBlocks.get(node.path("index").asInt(-1));
        // an upstream that gives the whole input in content_block_start and no deltas: send it as the arguments
        if (tool != null
                && !tool.argumentsSent
                && tool.startInput != null
                && tool.startInput.isObject()
                && !tool.startInput.isEmpty()) {
            tool.argumentsSent = true;
            out.add(arguments(tool, JSON.writeValueAsString(tool.startInput)));
        }
    }

    private void messageDelta(JsonNode node, List<byte[]> out) {
        ensureStarted(out);
        readUsage(node.path("usage"));
        JsonNode stopReason = node.path("delta").path("stop_reason");
        finishSent = true;
        out.add(choiceChunk(
                JSON.createObjectNode(),
                OpenAiOverAnthropic.finishReason(stopReason.isString() ? stopReason.stringValue() : null)));
    }

    private void messageStop(List<byte[]> out) {
        ensureStarted(out);
        if (!finishSent) {
            finishSent = true;
            out.add(choiceChunk(JSON.createObjectNode(), "stop"));
        }
        if (includeUsage) {
            ObjectNode c = chunk();
            c.putArray("choices");
            c.set("usage", OpenAiOverAnthropic.usageJson(currentUsage()));
            out.add(SseEvents.data(JSON.writeValueAsString(c)));
        }
        out.add(SseEvents.done());
        completed = true;
        ended = true;
    }

    private void error(JsonNode node, List<byte[]> out) {
        JsonNode message = node.path("error").path("message");
        String text = message.isString() && !message.stringValue().isBlank() ? message.stringValue() : "Upstream error";
        out.add(OpenAiErrors.streamEvent(text, "server_error", "upstream_error"));
        ended = true;
    }

    /** Takes the usage fields present in an Anthropic usage object (message_start or message_delta). */
    private void readUsage(JsonNode usage) {
        if (!usage.isObject()) {
            return;
        }
        if (usage.path("input_tokens").isIntegralNumber()) {
            inputTokens = count(usage.get("input_tokens"));
        }
        if (usage.path("output_tokens").isIntegralNumber()) {
            outputTokens = count(usage.get("output_tokens"));
        }
        if (usage.path("cache_read_input_tokens").isIntegralNumber()) {
            cacheReadTokens = count(usage.get("cache_read_input_tokens"));
        }
        if (usage.path("cache_creation_input_tokens").isIntegralNumber()) {
            cacheWriteTokens = count(usage.get("cache_creation_input_tokens"));
        }
    }

    private void content(String field, String text, List<byte[]> out) {
        if (text.isEmpty()) {
            return;
        }
        append(text);
        ObjectNode delta = JSON.createObjectNode();
        delta.put(field, text);
        out.add(choiceChunk(delta, null));
    }

    private byte[] arguments(ToolBlock tool, String fragment) {
        append(fragment);
        ObjectNode call = JSON.createObjectNode();
        call.put("index", tool.index);
        call.putObject("function").put("arguments", fragment);
        return toolCallChunk(call);
    }

    private byte[] toolCallChunk(ObjectNode call) {
        ObjectNode delta = JSON.createObjectNode();
        delta.putArray("tool_calls").add(call);
        return choiceChunk(delta, null);
    }

    private ObjectNode chunk() {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", publicModel);
        return c;
    }

    private byte[] choiceChunk(ObjectNode delta, String finishReason) {
        ObjectNode c = chunk();
        ArrayNode choices = c.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (includeUsage) {
            c.putNull("usage");
        }
        return SseEvents.data(JSON.writeValueAsString(c));
    }

    private void append(String s) {
        int room = MAX_DELIVERED_CHARS - delivered.length();
        if (room > 0) {
            delivered.append(s, 0, Math.min(room, s.length()));
        }
    }
}
