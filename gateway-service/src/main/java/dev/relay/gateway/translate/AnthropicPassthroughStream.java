package dev.relay.gateway.translate;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.api.AnthropicErrors;
import dev.relay.gateway.wire.SseBuffer;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An Anthropic client on an Anthropic channel: the upstream's events go out as they are, except that
 * {@code message_start} carries the public model name. Reads usage from {@code message_start} (input and cache
 * tokens) and {@code message_delta} (output tokens; newer API versions repeat input figures there), notices
 * {@code message_stop} and in-band {@code error} events. Only {@code message_start} and {@code message_delta} are
 * parsed on the way (the event name says what an event is); text deltas are kept raw and decoded only when a tokenizer
 * estimate is needed. Pure.
 */
public final class AnthropicPassthroughStream implements StreamTranslator {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_DELIVERED_CHARS = 1 << 20;

    private final SseBuffer buffer = new SseBuffer();
    private final String upstreamModel;
    private final String publicModel;
    /** Raw {@code content_block_delta} payloads (bounded), decoded only by {@link #deliveredText()}. */
    private final List<String> deltas = new ArrayList<>();

    private int deltaChars;
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
        if (name == null) {
            name = type(data); // Anthropic always names its events; tolerate an upstream that does not
        }
        switch (name) {
            case "message_start" -> {
                JsonNode n = parse(data);
                JsonNode message = n == null ? null : n.path("message");
                if (message == null) {
                    return event;
                }
                readUsage(message.path("usage"));
                if (message instanceof ObjectNode m && m.has("model") && !publicModel.equals(upstreamModel)) {
                    m.put("model", publicModel);
                    return SseEvents.named("message_start", JSON.writeValueAsString(n));
                }
            }
            case "message_delta" -> {
                JsonNode n = parse(data);
                if (n != null) {
                    readUsage(n.path("usage"));
                }
            }
            case "message_stop" -> completed = true;
            case "error" -> erroredInBand = true;
            case "content_block_delta" -> {
                // kept as received and read only if a tokenizer estimate is ever needed (no usage arrived)
                if (deltaChars < MAX_DELIVERED_CHARS) {
                    deltas.add(data);
                    deltaChars += data.length();
                }
            }
            default -> {
                // content_block_start/stop, ping and future event types pass through unparsed
            }
        }
        return event;
    }

    private static JsonNode parse(String data) {
        try {
            return JSON.readTree(data);
        } catch (RuntimeException ex) {
            return null; // not JSON: relayed as is
        }
    }

    private static String type(String data) {
        JsonNode n = parse(data);
        return n == null ? "" : n.path("type").asString("");
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
        StringBuilder out = new StringBuilder();
        for (String data : deltas) {
            JsonNode delta = parse(data) instanceof JsonNode n ? n.path("delta") : null;
            if (delta == null) {
                continue;
            }
            out.append(
                    switch (delta.path("type").asString("")) {
                        case "text_delta" -> delta.path("text").asString("");
                        case "input_json_delta" -> delta.path("partial_json").asString("");
                        case "thinking_delta" -> delta.path("thinking").asString("");
                        default -> "";
                    });
        }
        return out.toString();
    }
}
