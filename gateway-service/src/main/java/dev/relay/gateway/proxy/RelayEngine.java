package dev.relay.gateway.proxy;

import dev.relay.contracts.ChannelCooledDown.CooldownCause;
import dev.relay.gateway.api.OpenAiErrors;
import dev.relay.gateway.health.ChannelHealth;
import dev.relay.gateway.health.FailureKind;
import dev.relay.gateway.proxy.RelaySignal.Body;
import dev.relay.gateway.proxy.RelaySignal.Commit;
import dev.relay.gateway.proxy.RelaySignal.MidStreamFailure;
import dev.relay.gateway.proxy.RelaySignal.Reject;
import dev.relay.gateway.proxy.UpstreamClient.Head;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.wire.BadRequestException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs one client request against its planned channels: the next channel is tried on connect errors, first-byte
 * timeouts, 429, 401/403 and 5xx, but only until the first byte has been committed to the client; 400/404/413/422 are
 * returned as they are. A bounded number of attempts and a total deadline apply. Every outcome feeds channel health,
 * except a {@linkplain Call#pinned() pinned} call's: it proves one channel for the control plane, ignores the
 * channel's cooldown, never falls back, and answers the upstream's own error as it was (redacted).
 */
public class RelayEngine {

    private static final Logger log = LoggerFactory.getLogger(RelayEngine.class);
    private static final int MAX_ERROR_BODY = 64 * 1024;

    /** Tunables (per-channel timeouts override the first three). */
    public record Settings(
            Duration connectTimeout,
            Duration firstByteTimeout,
            Duration nonStreamTimeout,
            Duration streamIdleTimeout,
            int maxAttempts,
            Duration totalDeadline,
            int maxResponseBytes) {}

    /**
     * One request to relay. {@code requestFor} gives the upstream path (below the channel's API base) and body for a
     * channel: model mapping, protocol translation and channel adaptations applied. It may throw
     * {@link BadRequestException} when the client's request cannot be expressed for that channel: answered 400, no
     * other channel is tried.
     *
     * @param pinned the plan is the one channel the control plane pinned ({@code x-relay-channel}): tried even in
     *     cooldown, its outcome does not feed channel health (no cooldown, no auto-disable, no health event), and an
     *     upstream error is answered as the upstream sent it (redacted), since it is the evidence the caller wants
     */
    public record Call(
            String requestId,
            String publicModel,
            boolean stream,
            List<ChannelRoute> plan,
            Function<ChannelRoute, UpstreamRequest> requestFor,
            boolean pinned) {

        public Call(
                String requestId,
                String publicModel,
                boolean stream,
                List<ChannelRoute> plan,
                Function<ChannelRoute, UpstreamRequest> requestFor) {
            this(requestId, publicModel, stream, plan, requestFor, false);
        }
    }

    /**
     * What to send to one channel.
     *
     * @param headers extra request headers (e.g. the client's {@code anthropic-version}); the channel's own extra
     *     headers and credential are applied after them
     */
    public record UpstreamRequest(String path, byte[] body, java.util.Map<String, String> headers) {
        public UpstreamRequest(String path, byte[] body) {
            this(path, body, java.util.Map.of());
        }
    }

    private final UpstreamClient client;
    private final WheelTimeouts timeouts;
    private final ChannelHealth health;
    private final Clock clock;
    private final Settings settings;
    private final RelayMetrics metrics;

    public RelayEngine(
            UpstreamClient client,
            WheelTimeouts timeouts,
            ChannelHealth health,
            Clock clock,
            Settings settings,
            MeterRegistry registry) {
        this.client = client;
        this.timeouts = timeouts;
        this.health = health;
        this.clock = clock;
        this.settings = settings;
        this.metrics = new RelayMetrics(registry);
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public Flux<RelaySignal> run(Call call) {
        return Flux.defer(() -> attempt(new Attempts(call, clock.instant().plus(settings.totalDeadline())), 0));
    }

    /** Mutable per-request bookkeeping (one request runs its attempts sequentially). */
    private static final class Attempts {
        final Call call;
        final Instant deadline;
        final List<String> tried = new ArrayList<>(3);
        int count;
        FailureKind lastKind;
        int lastStatus;
        String lastDetail;
        Duration lastRetryAfter;
        ChannelRoute lastChannel;
        BadRequestException badRequest;

        Attempts(Call call, Instant deadline) {
            this.call = call;
            this.deadline = deadline;
        }
    }

    private Flux<RelaySignal> attempt(Attempts a, int index) {
        List<ChannelRoute> plan = a.call.plan();
        int i = index;
        while (i < plan.size()
                && !(a.call.pinned() || health.tryAcquire(plan.get(i).id()))) {
            i++;
        }
        Duration remaining = Duration.between(clock.instant(), a.deadline);
        if (i >= plan.size() || a.count >= settings.maxAttempts() || remaining.isNegative() || remaining.isZero()) {
            return Flux.just(finalReject(a));
        }
        ChannelRoute ch = plan.get(i);
        int next = i + 1;
        Duration firstByte = min(orDefault(ch.firstByteTimeout(), settings.firstByteTimeout()), remaining);
        UpstreamRequest request;
        try {
            request = a.call.requestFor().apply(ch);
        } catch (BadRequestException ex) {
            // this channel cannot express the request (e.g. a feature its protocol lacks): nothing was sent, so it is
            // not an attempt; another channel may still take it, else the client gets this 400
            release(a, ch);
            if (a.badRequest == null) {
                a.badRequest = ex;
            }
            return attempt(a, next);
        } catch (RuntimeException ex) {
            log.warn(
                    "request {}: preparing the upstream request for channel {} failed",
                    a.call.requestId(),
                    ch.id(),
                    ex);
            release(a, ch);
            return Flux.just(reject(
                    a, 500, "internal error preparing the upstream request", "server_error", "internal_error", null));
        }
        a.count++;
        a.tried.add(ch.id());
        if (a.count > 1) {
            metrics.retry(ch.id());
        }
        // a context barrier below switchOnFirst, which reads the context for every item it passes
        return ContextBarrier.on(client.post(ch, request.path(), request.body(), a.call.stream(), request.headers())
                .name("relay.upstream") // a named source spares Reactor describing each timeout with a regex
                .timeout(timeouts.after(firstByte), item -> Mono.never())
                .switchOnFirst((signal, all) -> {
                    if (!signal.hasValue()) {
                        Throwable e = signal.hasError()
                                ? signal.getThrowable()
                                : new IOException("upstream closed without a response");
                        return failAndNext(a, ch, next, UpstreamFailures.classify(e), 0, null, describe(e));
                    }
                    Head head = (Head) signal.get();
                    Flux<byte[]> chunks = all.skip(1).cast(byte[].class);
                    if (head.status() / 100 == 2) {
                        return a.call.stream()
                                ? streamed(a, ch, next, head, chunks, firstByte)
                                : buffered(a, ch, next, head, chunks, remaining);
                    }
                    return collect(chunks, MAX_ERROR_BODY, false)
                            .defaultIfEmpty(new byte[0])
                            .onErrorReturn(new byte[0])
                            .flatMapMany(errorBody -> upstreamError(a, ch, next, head, errorBody));
                })
                .doOnCancel(() -> release(a, ch)));
    }

    private Flux<RelaySignal> streamed(
            Attempts a, ChannelRoute ch, int next, Head head, Flux<byte[]> chunks, Duration firstByte) {
        return timeouts.watch(chunks, firstByte, settings.streamIdleTimeout()).switchOnFirst((signal, all) -> {
            if (!signal.hasValue()) {
                Throwable e = signal.hasError()
                        ? signal.getThrowable()
                        : new IOException("upstream ended the stream before any data");
                return failAndNext(a, ch, next, UpstreamFailures.classify(e), head.status(), null, describe(e));
            }
            succeeded(a, ch);
            Flux<RelaySignal> bodies = all.map(Body::new);
            return Flux.<RelaySignal>just(new Commit(ch, head.status(), head.headers(), List.copyOf(a.tried), a.count))
                    .concatWith(bodies.onErrorResume(e -> Flux.just(
                            new MidStreamFailure(e, UpstreamFailures.classify(e) == FailureKind.TIMEOUT, ch))));
        });
    }

    /**
     * A stream broke after its first byte and before its terminator: counts against the channel (a stall as a timeout,
     * anything else as a server error). Not called for a drop after the stream had completed.
     */
    public void midStreamFailed(Call call, MidStreamFailure f) {
        metrics.upstreamError(f.channel().id(), "mid_stream");
        if (call.pinned()) {
            return;
        }
        health.onFailure(
                f.channel().id(),
                f.timeout() ? FailureKind.TIMEOUT : FailureKind.SERVER_ERROR,
                null,
                describe(f.error()));
    }

    private Flux<RelaySignal> buffered(
            Attempts a, ChannelRoute ch, int next, Head head, Flux<byte[]> chunks, Duration remaining) {
        Duration total = min(orDefault(ch.totalTimeout(), settings.nonStreamTimeout()), remaining);
        return collect(chunks, settings.maxResponseBytes(), true)
                .defaultIfEmpty(new byte[0])
                .name("relay.upstream-body")
                .timeout(timeouts.after(total))
                .flatMapMany(full -> {
                    succeeded(a, ch);
                    return Flux.<RelaySignal>just(
                            new Commit(ch, head.status(), head.headers(), List.copyOf(a.tried), a.count),
                            new Body(full));
                })
                .onErrorResume(
                        e -> failAndNext(a, ch, next, UpstreamFailures.classify(e), head.status(), null, describe(e)));
    }

    private Flux<RelaySignal> upstreamError(Attempts a, ChannelRoute ch, int next, Head head, byte[] body) {
        FailureKind kind = UpstreamFailures.classify(head.status(), body);
        if (kind != null && a.call.pinned()) {
            // the pinned channel's own answer is the evidence: no fallback, no health verdict, no rewording
            metrics.upstreamError(ch.id(), kind.name().toLowerCase(java.util.Locale.ROOT));
            Duration retryAfter = kind == FailureKind.RATE_LIMITED ? UpstreamFailures.retryAfter(head.headers()) : null;
            return Flux.just(new Reject(
                    head.status(),
                    upstreamErrorBody(ch, head, body),
                    retryAfter == null ? null : String.valueOf(Math.max(1, retryAfter.toSeconds())),
                    ch,
                    List.copyOf(a.tried),
                    a.count,
                    "upstream_" + head.status()));
        }
        if (kind != null) {
            Duration retryAfter = kind == FailureKind.RATE_LIMITED ? UpstreamFailures.retryAfter(head.headers()) : null;
            return failAndNext(a, ch, next, kind, head.status(), retryAfter, "upstream answered " + head.status());
        }
        // The client's request is at fault (400/404/413/422...): no retry, the channel is fine.
        succeeded(a, ch);
        metrics.upstreamError(ch.id(), "client_error_" + head.status());
        return Flux.just(new Reject(
                head.status(),
                upstreamErrorBody(ch, head, body),
                null,
                ch,
                List.copyOf(a.tried),
                a.count,
                "upstream_" + head.status()));
    }

    /** The upstream's error body without its credential or key-like tokens (a generic one when it is not JSON). */
    private static byte[] upstreamErrorBody(ChannelRoute ch, Head head, byte[] body) {
        byte[] safe = UpstreamFailures.redact(body, ch.credential());
        if (safe.length == 0 || safe[0] != '{') {
            safe = OpenAiErrors.body(
                    "upstream rejected the request (" + head.status() + ")",
                    head.status() >= 500 ? "server_error" : "invalid_request_error",
                    null,
                    "upstream_rejected");
        }
        return safe;
    }

    // ---- channel health, which a pinned call leaves alone --------------------------------------------------------

    private void release(Attempts a, ChannelRoute ch) {
        if (!a.call.pinned()) {
            health.release(ch.id());
        }
    }

    private void succeeded(Attempts a, ChannelRoute ch) {
        if (!a.call.pinned()) {
            health.onSuccess(ch.id());
        }
    }

    private Flux<RelaySignal> failAndNext(
            Attempts a, ChannelRoute ch, int next, FailureKind kind, int status, Duration retryAfter, String detail) {
        if (kind == FailureKind.LOCAL_OVERLOAD) {
            release(a, ch); // our pool, not the upstream: no health penalty
        } else if (!a.call.pinned()) {
            health.onFailure(ch.id(), kind, retryAfter, detail);
        }
        metrics.upstreamError(ch.id(), kind.name().toLowerCase(java.util.Locale.ROOT));
        a.lastKind = kind;
        a.lastStatus = status;
        a.lastDetail = detail;
        a.lastRetryAfter = retryAfter;
        a.lastChannel = ch;
        log.debug("request {} channel {} failed ({}): {}", a.call.requestId(), ch.id(), kind, detail);
        return attempt(a, next);
    }

    private Reject finalReject(Attempts a) {
        if (a.lastKind == null && a.badRequest != null) {
            return new Reject(
                    400,
                    OpenAiErrors.body(
                            a.badRequest.getMessage(),
                            "invalid_request_error",
                            a.badRequest.param(),
                            "invalid_request"),
                    null,
                    a.lastChannel,
                    List.copyOf(a.tried),
                    a.count,
                    "invalid_request");
        }
        if (a.lastKind == null) {
            Instant soonest = null;
            boolean allRateLimited = !a.call.plan().isEmpty();
            for (ChannelRoute ch : a.call.plan()) {
                Instant until = health.cooldownUntil(ch.id());
                if (until != null && (soonest == null || until.isBefore(soonest))) {
                    soonest = until;
                }
                allRateLimited &= health.cooldownCause(ch.id()) == CooldownCause.RATE_LIMITED;
            }
            String retry = soonest == null
                    ? "1"
                    : String.valueOf(Math.max(
                            1, Duration.between(clock.instant(), soonest).toSeconds() + 1));
            if (allRateLimited) {
                // every channel is resting after its upstream's 429: that is a rate limit, not an outage
                return reject(
                        a,
                        429,
                        "every upstream channel for model '" + a.call.publicModel() + "' is rate limited; retry later",
                        "rate_limit_error",
                        "upstream_rate_limited",
                        retry);
            }
            return reject(
                    a,
                    503,
                    "no available channel for model '" + a.call.publicModel() + "'; retry later",
                    "server_error",
                    "no_available_channel",
                    retry);
        }
        return switch (a.lastKind) {
            case RATE_LIMITED, QUOTA_EXHAUSTED ->
                reject(
                        a,
                        429,
                        "every upstream channel for model '" + a.call.publicModel() + "' is rate limited; retry later",
                        "rate_limit_error",
                        "upstream_rate_limited",
                        a.lastRetryAfter == null ? "1" : String.valueOf(Math.max(1, a.lastRetryAfter.toSeconds())));
            case LOCAL_OVERLOAD ->
                reject(
                        a,
                        503,
                        "the gateway has no free upstream connection for model '" + a.call.publicModel()
                                + "'; retry later",
                        "server_error",
                        "gateway_overloaded",
                        "1");
            case TIMEOUT ->
                reject(
                        a,
                        504,
                        "upstream timed out after " + a.count + " attempt(s)",
                        "server_error",
                        "upstream_timeout",
                        null);
            default ->
                reject(
                        a,
                        502,
                        "upstream failed after " + a.count + " attempt(s): " + a.lastDetail,
                        "server_error",
                        "upstream_error",
                        null);
        };
    }

    private static Reject reject(Attempts a, int status, String message, String type, String code, String retryAfter) {
        return new Reject(
                status,
                OpenAiErrors.body(message, type, null, code),
                retryAfter,
                a.lastChannel,
                List.copyOf(a.tried),
                a.count,
                code);
    }

    private static Mono<byte[]> collect(Flux<byte[]> chunks, int limit, boolean failOnOverflow) {
        return chunks.collect(ByteArrayOutputStream::new, (out, b) -> {
                    if (out.size() + b.length > limit) {
                        if (failOnOverflow) {
                            throw new IllegalStateException("upstream response larger than " + limit + " bytes");
                        }
                        out.write(b, 0, Math.max(0, limit - out.size()));
                        return;
                    }
                    out.write(b, 0, b.length);
                })
                .map(ByteArrayOutputStream::toByteArray);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static Duration orDefault(Duration d, Duration def) {
        return d == null ? def : d;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
