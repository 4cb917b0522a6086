package dev.relay.gateway.translate;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.wire.JsonScan;
import dev.relay.gateway.wire.SseBuffer;
import dev.relay.gateway.wire.UsageReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Relays an OpenAI-style SSE stream ({@code chat.completions} chunks) as an explicit state object over a buffer: only
 * complete events go out, the remainder waits for the next chunk. Along the way it rewrites the upstream model name
 * to the public one, reads the usage chunk (and drops it when the gateway, not the client, asked for it), notices
 * {@code [DONE]} and in-stream error objects, and keeps the delivered text for a tokenizer estimate should the stream
 * end without usage. Pure: bytes in, bytes out.
 */
public final class OpenAiChatStream implements dev.relay.gateway.translate.StreamTranslator {

    private static final byte[] USAGE_OBJECT = "\"usage\":{".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EMPTY_CHOICES = "\"choices\":[]".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CONTENT = "\"content\":\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ERROR = "{\"error\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NULL_USAGE = ",\"usage\":null".getBytes(StandardCharsets.UTF_8);
    private static final int MAX_DELIVERED_CHARS = 1 << 20;

    private final SseBuffer buffer = new SseBuffer();
    private final byte[] upstreamModelField;
    private final byte[] publicModelField;
    private final boolean stripUsageChunk;
    private TokenUsage usage;
    private boolean done;
    private boolean upstreamError;
    private final StringBuilder delivered = new StringBuilder();

    public OpenAiChatStream(String upstreamModel, String publicModel, boolean stripUsageChunk) {
        boolean rename = upstreamModel != null && publicModel != null && !upstreamModel.equals(publicModel);
        this.upstreamModelField = rename ? modelField(upstreamModel) : null;
        this.publicModelField = rename ? modelField(publicModel) : null;
        this.stripUsageChunk = stripUsageChunk;
    }

    private static byte[] modelField(String model) {
        byte[] q = JsonScan.quoted(model);
        byte[] prefix = "\"model\":".getBytes(StandardCharsets.UTF_8);
        byte[] r = new byte[prefix.length + q.length];
        System.arraycopy(prefix, 0, r, 0, prefix.length);
        System.arraycopy(q, 0, r, prefix.length, q.length);
        return r;
    }

    /** Feeds upstream bytes; returns the complete events to send to the client, in order. */
    @Override
    public List<byte[]> accept(byte[] chunk) {
        buffer.append(chunk);
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

    /** Upstream ended: whatever incomplete event remains (forwarded as is, terminated). */
    @Override
    public List<byte[]> finish() {
        byte[] rest = buffer.remainder();
        byte[] processed = rest == null ? null : process(rest);
        return processed == null ? List.of() : List.of(processed);
    }

    private byte[] process(byte[] event) {
        String data = SseBuffer.data(event);
        if (data == null) {
            return event; // comment / keep-alive
        }
        if (data.equals("[DONE]")) {
            done = true;
            return event;
        }
        byte[] payload = data.getBytes(StandardCharsets.UTF_8);
        if (JsonScan.indexOf(payload, 0, Math.min(payload.length, 16), ERROR) == 0) {
            upstreamError = true;
        }
        if (JsonScan.indexOf(payload, 0, payload.length, USAGE_OBJECT) >= 0) {
            TokenUsage u = UsageReader.fromBody(payload, 0, payload.length);
            if (u != null) {
                usage = u;
                if (stripUsageChunk && JsonScan.indexOf(payload, 0, payload.length, EMPTY_CHOICES) >= 0) {
                    return null;
                }
            }
        }
        collectContent(payload);
        if (stripUsageChunk) {
            // with include_usage every chunk carries "usage":null; a client that did not ask never sees the field
            event = remove(event, NULL_USAGE);
        }
        if (upstreamModelField != null) {
            int at = JsonScan.indexOf(event, 0, event.length, upstreamModelField);
            if (at >= 0) {
                byte[] r = new byte[event.length - upstreamModelField.length + publicModelField.length];
                System.arraycopy(event, 0, r, 0, at);
                System.arraycopy(publicModelField, 0, r, at, publicModelField.length);
                int after = at + upstreamModelField.length;
                System.arraycopy(event, after, r, at + publicModelField.length, event.length - after);
                return r;
            }
        }
        return event;
    }

    private static byte[] remove(byte[] event, byte[] what) {
        int at = JsonScan.indexOf(event, 0, event.length, what);
        if (at < 0) {
            return event;
        }
        byte[] r = new byte[event.length - what.length];
        System.arraycopy(event, 0, r, 0, at);
        System.arraycopy(event, at + what.length, r, at, event.length - at - what.length);
        return r;
    }

    private void collectContent(byte[] payload) {
        if (delivered.length() >= MAX_DELIVERED_CHARS) {
            return;
        }
        int from = 0;
        int at;
        while ((at = JsonScan.indexOf(payload, from, payload.length, CONTENT)) >= 0) {
            int start = at + CONTENT.length - 1;
            int end = JsonScan.stringEnd(payload, start, payload.length);
            try (var p = JsonScan.parser(payload, start, end - start)) {
                p.nextToken();
                delivered.append(p.getString());
            } catch (RuntimeException ignored) {
                // not a plain string value; skip
            }
            from = end;
        }
    }

    @Override
    public List<byte[]> fail(String message, String code) {
        return List.of(dev.relay.gateway.api.OpenAiErrors.streamEvent(message, "server_error", code));
    }

    @Override
    public boolean completed() {
        return done;
    }

    @Override
    public boolean erroredInBand() {
        return upstreamError;
    }

    @Override
    public TokenUsage usage() {
        return usage;
    }

    public boolean done() {
        return done;
    }

    /** Text delivered to the client so far (bounded), for a tokenizer estimate when no usage arrives. */
    @Override
    public String deliveredText() {
        return delivered.toString();
    }
}
