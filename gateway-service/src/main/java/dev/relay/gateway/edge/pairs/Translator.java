package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.translate.DroppedFields;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.Translated;

/**
 * One client request prepared for one channel: the translation of one (client API × upstream protocol) pair,
 * covering the request, the buffered answer, the stream, and what was dropped. Errors are shaped by the client API
 * alone ({@code ErrorShapes}), whatever the pair. A translator is made per attempt on a channel
 * ({@code Translators.open}); its answer side is used only if that channel answers.
 */
public interface Translator {

    /** The request to send upstream (path relative to the channel's API base, body, extra headers). */
    UpstreamRequest request();

    /** The client's body for the upstream's buffered answer, with the usage the upstream reported. */
    Translated response(byte[] upstreamBody);

    /** The stream translation for the upstream's event stream. */
    StreamTranslator stream();

    /** Whether the answer body is the edge's own JSON (so its content type), not the upstream's bytes. */
    boolean ownsBody();

    /** Whether a stream counts as complete only after the protocol's terminator ({@code [DONE]}, message_stop). */
    default boolean streamNeedsTerminator() {
        return true;
    }

    /** What the translation left out of the request (the drop-don't-refuse policy), named for the client. */
    default DroppedFields dropped() {
        return null;
    }
}
