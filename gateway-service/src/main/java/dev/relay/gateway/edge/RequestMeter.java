package dev.relay.gateway.edge;

import dev.relay.contracts.UsageRecorded;
import dev.relay.contracts.UsageRecorded.Outcome;
import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.introspect.DebugRecorder;
import dev.relay.gateway.metering.UsageSink;
import dev.relay.gateway.proxy.RelayMetrics;
import dev.relay.gateway.proxy.RelaySignal.Commit;
import dev.relay.gateway.proxy.RelaySignal.Reject;
import dev.relay.gateway.proxy.RequestPurpose;
import dev.relay.gateway.proxy.TokenEstimator;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.translate.StreamTranslator;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The meter of one relayed request: collects what happened (channel, attempts, status, outcome, time to first token,
 * usage) and, when the request ends however it ends, emits exactly one usage event, one metrics sample and one debug
 * entry.
 */
final class RequestMeter {

    /** What every meter writes to, shared by all requests. */
    record Sinks(
            UsageSink usage,
            RelayMetrics metrics,
            DebugRecorder debug,
            TokenEstimator estimator,
            String edgeId,
            RequestPurpose purposes,
            Clock clock) {}

    private final Sinks sinks;
    final String requestId;
    private final ClientKeyEntry key;
    private final Endpoint endpoint;
    private final String model;
    private final boolean streaming;
    final long start;
    private final ServerHttpRequest request;
    private final byte[] requestBody;
    private final boolean pinned;
    private final boolean captureBodies;
    private ChannelRoute channel;
    private List<String> tried = List.of();
    private int attempts;
    int status;
    Outcome outcome = Outcome.OK;
    private Long ttft;
    /** Usage of a buffered answer, as the upstream reported it. */
    TokenUsage usage;
    /** The stream translation, whose usage (or delivered text, for an estimate) counts when streaming. */
    StreamTranslator sse;

    boolean failedMidStream;
    private byte[] responseBody;
    private ByteArrayOutputStream streamCapture;
    private long streamedBytes;
    private boolean finished;

    RequestMeter(
            Sinks sinks,
            String requestId,
            ClientKeyEntry key,
            Endpoint endpoint,
            String model,
            boolean stream,
            long start,
            ServerHttpRequest request,
            byte[] requestBody,
            boolean pinned) {
        this.sinks = sinks;
        this.requestId = requestId;
        this.key = key;
        this.endpoint = endpoint;
        this.model = model;
        this.streaming = stream;
        this.start = start;
        this.request = request;
        this.requestBody = requestBody;
        this.pinned = pinned;
        this.captureBodies = sinks.debug().enabled() && sinks.debug().capturesBodies(key.id());
    }

    void rejected(Reject r) {
        channel = r.channel();
        tried = r.tried();
        attempts = r.attempts();
        status = r.status();
        outcome = Outcome.FAILED;
    }

    void committed(Commit c) {
        channel = c.channel();
        tried = c.tried();
        attempts = c.attempts();
        status = c.status();
        ttft = System.nanoTime() - start;
    }

    void midStreamFailure() {
        failedMidStream = true;
        outcome = Outcome.INCOMPLETE;
    }

    /** The upstream connection failed after the stream's terminator: nothing was lost, the outcome stands. */
    void failedAfterCompletion() {
        failedMidStream = true;
    }

    void endedWithoutDone() {
        outcome = Outcome.INCOMPLETE;
    }

    void untranslatable() {
        outcome = Outcome.FAILED;
        status = 502;
    }

    void clientAborted() {
        if (outcome == Outcome.OK) {
            outcome = Outcome.CLIENT_ABORTED;
        }
    }

    void failed(Throwable e) {
        outcome = Outcome.FAILED;
        if (status == 0) {
            status = 500;
        }
    }

    /** The body answered (kept for the debug ring). */
    void answered(byte[] body) {
        responseBody = body;
    }

    /** Whether streamed events are to be seen by the meter (the debug ring is on: sizes, and bodies if captured). */
    boolean watchesStream() {
        return sinks.debug().enabled();
    }

    void captureStream(byte[] event) {
        streamedBytes += event.length;
        if (!captureBodies) {
            return;
        }
        if (streamCapture == null) {
            streamCapture = new ByteArrayOutputStream();
        }
        int room = sinks.debug().maxBodyBytes() - streamCapture.size();
        if (room > 0) {
            streamCapture.write(event, 0, Math.min(room, event.length));
        }
    }

    synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        TokenUsage u = sse != null ? sse.usage() : usage;
        if (u == null && sse != null) {
            u = sinks.estimator().estimate(sse.deliveredText());
        }
        if (u == null) {
            u = TokenUsage.NONE;
        }
        long latency = System.nanoTime() - start;
        String channelId = channel == null ? null : channel.id();
        String outcomeName = outcome.name().toLowerCase(Locale.ROOT);
        sinks.metrics().request(model, channelId, status, outcomeName, latency, streaming ? ttft : null);
        sinks.metrics().tokens(model, u.promptTokens(), u.completionTokens());
        String purposeHeader = request.getHeaders().getFirst(RequestPurpose.PURPOSE_HEADER);
        sinks.usage()
                .record(new UsageRecorded(
                        requestId,
                        sinks.edgeId(),
                        pinned
                                ? sinks.purposes().ofPinned(purposeHeader)
                                : sinks.purposes()
                                        .of(purposeHeader, request.getHeaders().getFirst(RequestPurpose.TOKEN_HEADER)),
                        key.id(),
                        key.groupId(),
                        endpoint.apiName,
                        model,
                        channel == null ? null : channel.upstreamModel(model),
                        channelId,
                        tried,
                        streaming,
                        u,
                        status,
                        outcome,
                        latency / 1_000_000,
                        ttft == null ? null : ttft / 1_000_000,
                        attempts,
                        sinks.clock().instant()));
        DebugRecorder debug = sinks.debug();
        if (debug.enabled()) {
            byte[] response = streamCapture != null ? streamCapture.toByteArray() : responseBody;
            int max = debug.maxBodyBytes();
            debug.record(new DebugRecorder.Entry(
                    sinks.clock().instant(),
                    requestId,
                    endpoint.apiName,
                    request.getMethod().name(),
                    request.getPath().value(),
                    request.getHeaders(),
                    key.id(),
                    model,
                    channelId,
                    tried,
                    streaming,
                    status,
                    outcomeName,
                    latency / 1_000_000,
                    requestBody.length <= max ? requestBody : null,
                    requestBody.length,
                    response != null && response.length <= max ? response : null,
                    streamedBytes > 0
                            ? (int) Math.min(Integer.MAX_VALUE, streamedBytes)
                            : response == null ? 0 : response.length));
        }
    }
}
