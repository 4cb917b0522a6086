package dev.relay.gateway.translate;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import java.util.List;

/**
 * Turns an upstream Server-Sent Events stream into the client API's stream, as an explicit state object over a
 * buffer: {@link #accept} takes raw upstream bytes (any split, events may straddle chunks) and returns only complete
 * client events, each a whole SSE event including its terminating blank line; the remainder is carried to the next
 * call. Pure: no I/O, no clock (time values are given at construction).
 */
public interface StreamTranslator {

    /** Feeds raw upstream bytes; returns the complete client events they complete, in order (possibly none). */
    List<byte[]> accept(byte[] upstreamChunk);

    /**
     * The upstream ended its stream normally (the connection closed cleanly). Returns what is still to be sent: events
     * of a trailing unterminated upstream event, and — if the upstream had properly completed ({@link #completed()})
     * — nothing else. If it had not completed, the caller calls {@link #fail} next.
     */
    List<byte[]> finish();

    /**
     * The upstream failed after the first byte (dropped connection, stall, or ended without completing). Returns the
     * events that end the client's stream explicitly as an error, in the client API's shape (OpenAI: a {@code data:
     * {"error":...}} event and no {@code [DONE]}; Anthropic: {@code event: error}). Never a clean end.
     *
     * @param message human-readable reason, safe to show to the client (no secrets)
     * @param code machine-readable reason, e.g. {@code upstream_timeout}, {@code upstream_error}
     */
    List<byte[]> fail(String message, String code);

    /** Whether the upstream signalled a proper end of stream ({@code [DONE]}, {@code message_stop}). */
    boolean completed();

    /** Token usage as the upstream reported it (in the upstream protocol's own figures), or null if none arrived. */
    TokenUsage usage();

    /** Text delivered to the client so far (bounded), for a tokenizer estimate when no usage arrives. */
    String deliveredText();

    /**
     * Whether the upstream reported an error inside the stream and this translator already relayed it to the client
     * as the client API's error event (so the caller must not add a second one).
     */
    default boolean erroredInBand() {
        return false;
    }
}
