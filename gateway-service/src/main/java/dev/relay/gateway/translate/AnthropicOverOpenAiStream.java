package dev.relay.gateway.translate;

import static dev.relay.gateway.translate.AnthropicOverOpenAi.JSON;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.api.AnthropicErrors;
import dev.relay.gateway.wire.SseBuffer;
import dev.relay.gateway.wire.UsageReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI Chat Completions stream ({@code chat.completion.chunk} events, {@code data: [DONE]}) relayed to an
 * Anthropic Messages client as Anthropic's event sequence: {@code message_start} and one {@code ping} with the first
 * upstream data event, then {@code content_block_start}/{@code _delta}/{@code _stop} per block with increasing
 * indices (thinking from {@code reasoning_content}/{@code reasoning}, text from {@code content}, one {@code tool_use}
 * block per tool call), and on {@code [DONE]} {@code message_delta} (stop reason, usage) and {@code message_stop}.
 * Keep-alive comments are dropped (the client got its own ping). Only choice 0 is read.
 *
 * <p>Usage. An OpenAI upstream reports usage only at the end, so {@code message_start}'s {@code usage.input_tokens} is
 * the caller's local estimate of the request (a tokenizer count, 0 when none was given) — what Anthropic clients read
 * there to size the context; {@code message_delta} carries the upstream's reported usage, which alone is metered.
 *
 * <p>Tool calls. Anthropic blocks are sequential (one open at a time), OpenAI tool-call fragments are keyed by an
 * index and may interleave across parallel calls. The first tool call seen is streamed live; a later call is
 * buffered until the current one is provably finished — its arguments form a complete JSON object or array (a
 * string-aware bracket count; nothing valid can follow) — and then starts with everything buffered so far and
 * continues live. What is still buffered when the stream ends is flushed, call by call in order of first
 * appearance, before {@code message_delta}. So in-order parallel calls (what OpenAI sends) stream live, interleaved
 * ones are never lost or mixed up. A block is closed for good when it is followed by text or thinking (arguments for
 * it arriving later, which no real upstream sends, are dropped) or when its arguments were complete (then only
 * whitespace can follow).
 *
 * <p>Completion: {@link #completed()} is true only after {@code data: [DONE]}; a {@code finish_reason} or usage
 * chunk alone is not a clean end. An in-stream error object becomes one Anthropic {@code event: error}, and nothing is
 * sent after it. Pure: bytes in, bytes out, no clock.
 */
public final class AnthropicOverOpenAiStream implements StreamTranslator {

    private static final int MAX_DELIVERED_CHARS = 1 << 20;

    private enum Kind {
        NONE,
        THINKING,
        TEXT,
        TOOL
    }

    /** One OpenAI tool call (by its index) and the Anthropic block it becomes. */
    private static final class ToolCall {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
        int emitted;
        int block = -1;
        boolean closed;
        // string-aware bracket count over the arguments, to know when they are a complete JSON value
        int depth;
        boolean inString;
        boolean escape;
        boolean opened;
        boolean complete;

        void append(String fragment) {
            arguments.append(fragment);
            for (int i = 0; i < fragment.length() && !complete; i++) {
                char c = fragment.charAt(i);
                if (inString) {
                    if (escape) {
                        escape = false;
                    } else if (c == '\\') {
                        escape = true;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                    opened = true;
                } else if (c == '}' || c == ']') {
                    depth--;
                    complete = opened && depth == 0;
                }
            }
        }
    }

    private final SseBuffer buffer = new SseBuffer();
    private final String publicModel;
    private final String messageId;
    private final String toolIdBase;
    private final long estimatedInputTokens;
    private boolean started;
    private boolean done;
    private boolean errored;
    private int nextIndex;
    private Kind open = Kind.NONE;
    private ToolCall openTool;
    private final List<ToolCall> tools = new ArrayList<>();
    private final Map<Integer, ToolCall> toolsByIndex = new HashMap<>();
    private String finishReason;
    private TokenUsage usage;
    private final StringBuilder delivered = new StringBuilder();

    public AnthropicOverOpenAiStream(String publicModel, String messageId) {
        this(publicModel, messageId, 0);
    }

    /**
     * @param estimatedInputTokens the request's input tokens as counted locally, for {@code message_start} (negative:
     *     0)
     */
    public AnthropicOverOpenAiStream(String publicModel, String messageId, long estimatedInputTokens) {
        this.publicModel = publicModel;
        this.messageId = messageId;
        this.estimatedInputTokens = Math.max(0, estimatedInputTokens);
        String base = AnthropicOverOpenAi.sanitiseId(messageId.startsWith("msg_") ? messageId.substring(4) : messageId);
        this.toolIdBase = base.isEmpty() ? "0" : base;
    }

    @Override
    public List<byte[]> accept(byte[] upstreamChunk) {
        buffer.append(upstreamChunk);
        List<byte[]> out = new ArrayList<>(4);
        byte[] event;
        while ((event = buffer.nextEvent()) != null) {
            process(event, out);
        }
        return out;
    }

    @Override
    public List<byte[]> finish() {
        byte[] rest = buffer.remainder();
        if (rest == null) {
            return List.of();
        }
        List<byte[]> out = new ArrayList<>(4);
        process(rest, out);
        return out;
    }

    @Override
    public List<byte[]> fail(String message, String code) {
        if (done || errored) {
            return List.of(); // already ended, cleanly or with an error event
        }
        errored = true;
        String type = "upstream_timeout".equals(code) ? "timeout_error" : "api_error";
        String text = message == null || message.isBlank() ? "upstream error" : message;
        return List.of(AnthropicErrors.streamEvent(type, text));
    }

    @Override
    public boolean completed() {
        return done;
    }

    @Override
    public TokenUsage usage() {
        return usage;
    }

    @Override
    public String deliveredText() {
        return delivered.toString();
    }

    // ---------------------------------------------------------------------------------------------------- upstream

    private void process(byte[] event, List<byte[]> out) {
        if (done || errored) {
            return;
        }
        String data = SseBuffer.data(event);
        if (data == null) {
            return; // comment / keep-alive
        }
        data = data.strip();
        if (data.equals("[DONE]")) {
            start(out);
            end(out);
            return;
        }
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (JacksonException e) {
            return; // not JSON: nothing a client could use
        }
        if (chunk == null || !chunk.isObject()) {
            return;
        }
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            errored = true;
            out.add(errorEvent(error));
            return;
        }
        start(out);
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            usage = UsageReader.fromUsage(u);
        }
        JsonNode choices = chunk.get("choices");
        if (choices == null || !choices.isArray()) {
            return;
        }
        for (JsonNode choice : choices.values()) {
            if (!choice.isObject() || choice.path("index").asInt(0) != 0) {
                continue;
            }
            JsonNode delta = choice.get("delta");
            if (delta != null && delta.isObject()) {
                delta(delta, out);
            }
            JsonNode finish = choice.get("finish_reason");
            if (finish != null && finish.isString()) {
                finishReason = finish.stringValue();
            }
        }
    }

    private void delta(JsonNode delta, List<byte[]> out) {
        String reasoning = AnthropicOverOpenAi.reasoning(delta);
        if (reasoning != null && !reasoning.isEmpty()) {
            text(Kind.THINKING, reasoning, out);
        }
        JsonNode content = delta.get("content");
        if (content != null && content.isString() && !content.stringValue().isEmpty()) {
            text(Kind.TEXT, content.stringValue(), out);
        }
        JsonNode refusal = delta.get("refusal");
        if (refusal != null && refusal.isString() && !refusal.stringValue().isEmpty()) {
            text(Kind.TEXT, refusal.stringValue(), out);
        }
        JsonNode calls = delta.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (JsonNode call : calls.values()) {
                if (call.isObject()) {
                    toolCall(call, call.path("function"), out);
                }
            }
        }
        JsonNode legacy = delta.get("function_call");
        if (legacy != null && legacy.isObject()) {
            toolCall(JSON.createObjectNode().put("index", 0), legacy, out);
        }
    }

    private void text(Kind kind, String text, List<byte[]> out) {
        if (open != kind) {
            closeAll(out);
            open = kind;
            ObjectNode block = JSON.createObjectNode().put("type", kind == Kind.TEXT ? "text" : "thinking");
            if (kind == Kind.TEXT) {
                block.put("text", "");
            } else {
                block.put("thinking", "").put("signature", "");
            }
            blockStart(nextIndex++, block, out);
        }
        ObjectNode d = JSON.createObjectNode();
        if (kind == Kind.TEXT) {
            d.put("type", "text_delta").put("text", text);
        } else {
            d.put("type", "thinking_delta").put("thinking", text);
        }
        blockDelta(d, out);
        deliver(text);
    }

    private void toolCall(JsonNode call, JsonNode function, List<byte[]> out) {
        String id = call.path("id").isString() && !call.get("id").stringValue().isBlank()
                ? call.get("id").stringValue()
                : null;
        ToolCall t = resolve(call.get("index"), id);
        if (t.id == null && id != null) {
            t.id = id;
        }
        JsonNode name = function.path("name");
        if (t.name == null && name.isString() && !name.stringValue().isEmpty()) {
            t.name = name.stringValue();
        }
        JsonNode args = function.get("arguments");
        String fragment = args == null || args.isNull()
                ? ""
                : args.isString() ? args.stringValue() : JSON.writeValueAsString(args);
        if (!fragment.isEmpty() && !t.closed) {
            t.append(fragment);
            if (open == Kind.TOOL && openTool == t) {
                emitArguments(t, out);
            }
        }
        advance(out);
    }

    /** The tool call a fragment belongs to: by index; without one (some servers), by id, else the latest call. */
    private ToolCall resolve(JsonNode index, String id) {
        if (index != null && index.isIntegralNumber()) {
            return toolsByIndex.computeIfAbsent(index.asInt(), i -> newToolCall());
        }
        if (id != null) {
            for (ToolCall t : tools) {
                if (id.equals(t.id)) {
                    return t;
                }
            }
            return newToolCall();
        }
        return tools.isEmpty() ? newToolCall() : tools.getLast();
    }

    private ToolCall newToolCall() {
        ToolCall t = new ToolCall();
        tools.add(t);
        return t;
    }

    /** Starts the next waiting tool call once the open block may be closed: it is not a tool, or a finished one. */
    private void advance(List<byte[]> out) {
        while (open != Kind.TOOL || openTool.complete) {
            ToolCall next = null;
            for (ToolCall t : tools) {
                if (t.block < 0 && !t.closed) {
                    next = t;
                    break;
                }
            }
            if (next == null || next.name == null) {
                return; // nothing waiting, or the first waiting call cannot start before its name arrives
            }
            closeOpen(out);
            startTool(next, out);
        }
    }

    private void startTool(ToolCall t, List<byte[]> out) {
        t.block = nextIndex++;
        if (t.id == null) {
            t.id = "toolu_" + toolIdBase + "_" + t.block;
        }
        ObjectNode block = JSON.createObjectNode()
                .put("type", "tool_use")
                .put("id", t.id)
                .put("name", t.name == null ? "" : t.name);
        block.putObject("input");
        blockStart(t.block, block, out);
        open = Kind.TOOL;
        openTool = t;
        emitArguments(t, out);
    }

    private void emitArguments(ToolCall t, List<byte[]> out) {
        if (t.emitted >= t.arguments.length()) {
            return;
        }
        String fragment = t.arguments.substring(t.emitted);
        t.emitted = t.arguments.length();
        blockDelta(JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", fragment), out);
        deliver(fragment);
    }

    /** Closes the open block; when it is a tool call, also flushes every tool call still waiting, in order. */
    private void closeAll(List<byte[]> out) {
        boolean tool = open == Kind.TOOL;
        closeOpen(out);
        if (!tool && !hasWaitingTools()) {
            return;
        }
        for (ToolCall t : tools) {
            if (t.block < 0 && !t.closed) {
                startTool(t, out);
                closeOpen(out);
            }
        }
    }

    private boolean hasWaitingTools() {
        for (ToolCall t : tools) {
            if (t.block < 0 && !t.closed) {
                return true;
            }
        }
        return false;
    }

    private void closeOpen(List<byte[]> out) {
        switch (open) {
            case NONE -> {
                return;
            }
            case THINKING ->
                blockDelta(
                        JSON.createObjectNode().put("type", "signature_delta").put("signature", ""), out);
            case TOOL -> {
                openTool.closed = true;
                openTool = null;
            }
            case TEXT -> {}
        }
        ObjectNode stop =
                JSON.createObjectNode().put("type", "content_block_stop").put("index", nextIndex - 1);
        out.add(event(stop));
        open = Kind.NONE;
    }

    private void start(List<byte[]> out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode root = JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = root.putObject("message")
                .put("id", messageId)
                .put("type", "message")
                .put("role", "assistant")
                .put("model", publicModel);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", estimatedInputTokens).put("output_tokens", 0);
        out.add(event(root));
        out.add(event(JSON.createObjectNode().put("type", "ping")));
    }

    private void end(List<byte[]> out) {
        closeAll(out);
        ObjectNode root = JSON.createObjectNode().put("type", "message_delta");
        root.putObject("delta")
                .put("stop_reason", AnthropicOverOpenAi.stopReason(finishReason, !tools.isEmpty()))
                .putNull("stop_sequence");
        root.set("usage", AnthropicOverOpenAi.anthropicUsage(usage));
        out.add(event(root));
        out.add(event(JSON.createObjectNode().put("type", "message_stop")));
        done = true;
    }

    private byte[] errorEvent(JsonNode error) {
        String message =
                error.isString() ? error.stringValue() : error.path("message").asString("");
        String hint =
                (error.path("type").asString("") + " " + error.path("code").asString("")).toLowerCase(Locale.ROOT);
        int code = error.path("code").asInt(0);
        boolean overloaded = hint.contains("overload") || code == 503 || code == 529;
        return AnthropicErrors.streamEvent(
                overloaded ? "overloaded_error" : "api_error", message.isBlank() ? "upstream error" : message);
    }

    private void blockStart(int index, ObjectNode contentBlock, List<byte[]> out) {
        ObjectNode root =
                JSON.createObjectNode().put("type", "content_block_start").put("index", index);
        root.set("content_block", contentBlock);
        out.add(event(root));
    }

    private void blockDelta(ObjectNode delta, List<byte[]> out) {
        ObjectNode root =
                JSON.createObjectNode().put("type", "content_block_delta").put("index", nextIndex - 1);
        root.set("delta", delta);
        out.add(event(root));
    }

    private static byte[] event(ObjectNode root) {
        return SseEvents.named(root.get("type").stringValue(), JSON.writeValueAsString(root));
    }

    private void deliver(String text) {
        int room = MAX_DELIVERED_CHARS - delivered.length();
        if (room > 0) {
            delivered.append(text, 0, Math.min(room, text.length()));
        }
    }
}
