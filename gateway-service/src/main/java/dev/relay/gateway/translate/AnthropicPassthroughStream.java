package dev.relay.gateway.translate;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.api.AnthropicErrors;
import dev.relay.gateway.proxy.SseBuffer;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An Anthropic client on an Anthropic channel: the upstream's events go out as they are, except that
 * {@code message_start} carries the public model name. Reads usage from {@code message_start} (input and cache
 * tokens) and {@code message_delta} (output tokens; newer API versions repeat input figures there), notices
 * {@code message_stop} and in-band {@code error} events. Pure.
 */
public final class AnthropicPassthroughStream implements StreamTranslator {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_DELIVERED_CHARS = 1 << 20;

    private final SseBuffer buffer = new SseBuffer();
    private final String upstreamModel;
    private final String publicModel;
    private final StringBuilder delivered = new StringBuilder();
    private long input = -1;
    private long output;
    private long cacheRead;
    private long cacheWrite;
    private boolean completed;
    private boolean erroredInBand;
    private boolean failed;

    public AnthropicPassthroughStream(String upstreamModel, String publicModel) {
        this.upstreamModel = upstreamModel;
        this.publicModel = publicModel;
    }

    @Override
    public List<byte[]> accept(byte[] upstreamChunk) {
        buffer.append(upstreamChunk);
        List<byte[]> out = new ArrayList<>(2);
        byte[] event;
        while ((event = buffer.nextEvent()) != null) {
            byte[] processed = process(event);
            if (processed != null) {
                out.add(processed);
            }
        }
        return out;
    }

    @Override
    public List<byte[]> finish() {
        byte[] rest = buffer.remainder();
        if (rest == null) {
            return List.of();
        }
        byte[] processed = process(rest);
        return processed == null ? List.of() : List.of(processed);
    }

    private byte[] process(byte[] event) {
        String data = SseBuffer.data(event);
        if (data == null) {
            return event; // comment
        }
        String name = SseBuffer.eventName(event);
        JsonNode n;
        try {
            n = JSON.readTree(data);
        } catch (RuntimeException ex) {
            return event; // not JSON: relay as is
        }
        String type = name != null ? name : n.path("type").asString("");
        switch (type) {
            case "message_start" -> {
                JsonNode message = n.path("message");
                readUsage(message.path("usage"));
                if (message instanceof ObjectNode m && m.has("model") && !publicModel.equals(upstreamModel)) {
                    m.put("model", publicModel);
                    return SseEvents.named("message_start", JSON.writeValueAsString(n));
                }
            }
            case "message_delta" -> readUsage(n.path("usage"));
            case "message_stop" -> completed = true;
            case "error" -> erroredInBand = true;
            case "content_block_delta" -> collect(n.path("delta"));
            default -> {
                // content_block_start/stop, ping and future event types pass through unchanged
            }
        }
        return event;
    }

    private void readUsage(JsonNode u) {
        if (!u.isObject()) {
            return;
        }
        if (u.path("input_tokens").isNumber()) {
            input = u.path("input_tokens").asLong();
        }
        if (u.path("output_tokens").isNumber()) {
            output = u.path("output_tokens").asLong();
        }
        if (u.path("cache_read_input_tokens").isNumber()) {
            cacheRead = u.path("cache_read_input_tokens").asLong();
        }
        if (u.path("cache_creation_input_tokens").isNumber()) {
            cacheWrite = u.path("cache_creation_input_tokens").asLong();
        }
    }

    private void collect(JsonNode delta) {
        if (delivered.length() >= MAX_DELIVERED_CHARS) {
            return;
        }
        String s = switch (delta.path("type").asString("")) {
            case "text_delta" -> delta.path("text").asString("");
            case "input_json_delta" -> delta.path("partial_json").asString("");
            case "thinking_delta" -> delta.path("thinking").asString("");
            default -> "";
        };
        delivered.append(s);
    }

    /**
     * The client's stream ends with one {@code event: error}, unless it has already ended: after {@code
     * message_stop} (the response is complete; an error event then would make SDKs throw away a whole reply), after
     * the upstream's own in-band error, or after an earlier {@code fail}.
     */
    @Override
    public List<byte[]> fail(String message, String code) {
        if (completed || erroredInBand || failed) {
            return List.of();
        }
        failed = true;
        String text = message == null || message.isBlank() ? "upstream error" : message;
        return List.of(
                AnthropicErrors.streamEvent("upstream_timeout".equals(code) ? "timeout_error" : "api_error", text));
    }

    @Override
    public boolean completed() {
        return completed;
    }

    @Override
    public boolean erroredInBand() {
        return erroredInBand;
    }

    @Override
    public TokenUsage usage() {
        return input < 0 ? null : new TokenUsage(input, output, cacheRead, cacheWrite, false);
    }

    @Override
    public String deliveredText() {
        return delivered.toString();
    }
}
