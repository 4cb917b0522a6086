package dev.relay.gateway.proxy;

import dev.relay.gateway.routing.ChannelRoute;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/** What the relay engine tells the response writer, in order: one Commit or one Reject, then body pieces. */
public sealed interface RelaySignal {

    /** An upstream answered 2xx with its first byte: the client response can be committed now. */
    record Commit(ChannelRoute channel, int status, HttpHeaders upstreamHeaders, List<String> tried, int attempts)
            implements RelaySignal {}

    /** Bytes of the committed response (a stream chunk, or the whole non-streamed body). */
    record Body(byte[] bytes) implements RelaySignal {}

    /** No upstream produced a usable response; answer the client with this error and send nothing upstream again. */
    record Reject(
            int status,
            byte[] body,
            String retryAfterSeconds,
            ChannelRoute channel,
            List<String> tried,
            int attempts,
            String reason)
            implements RelaySignal {}

    /** The upstream failed after the first byte was sent to the client. */
    /**
     * The upstream failed after the first byte was sent to the client. Channel health is not told yet: the response
     * writer knows whether the stream had already completed (a drop after {@code [DONE]} is harmless) and reports it
     * through {@link RelayEngine#midStreamFailed}.
     */
    record MidStreamFailure(Throwable error, boolean timeout, ChannelRoute channel) implements RelaySignal {}
}
