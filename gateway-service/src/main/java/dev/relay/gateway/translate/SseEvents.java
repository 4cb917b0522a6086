package dev.relay.gateway.translate;

import java.nio.charset.StandardCharsets;

/** Writes complete Server-Sent Events (terminated by a blank line). */
public final class SseEvents {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseEvents() {}

    /** {@code event: <name>\ndata: <json>\n\n} — the Anthropic style, named events. */
    public static byte[] named(String name, String json) {
        return ("event: " + name + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code data: <json>\n\n} — the OpenAI style, unnamed events. */
    public static byte[] data(String json) {
        return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** OpenAI's terminator, {@code data: [DONE]}. */
    public static byte[] done() {
        return DONE.clone();
    }
}
