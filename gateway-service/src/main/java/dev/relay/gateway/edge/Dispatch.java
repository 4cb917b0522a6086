package dev.relay.gateway.edge;

import dev.relay.contracts.Protocol;
import dev.relay.contracts.UsageRecorded.Outcome;
import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.edge.Admission.Admitted;
import dev.relay.gateway.edge.pairs.ClientRequest;
import dev.relay.gateway.edge.pairs.Translator;
import dev.relay.gateway.proxy.ChannelPlanner;
import dev.relay.gateway.proxy.KeyRateLimiter;
import dev.relay.gateway.proxy.LocalTokenCounter;
import dev.relay.gateway.proxy.RelayEngine;
import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.proxy.RelaySignal;
import dev.relay.gateway.proxy.RelaySignal.Commit;
import dev.relay.gateway.proxy.RelaySignal.Reject;
import dev.relay.gateway.proxy.TokenEstimator;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.translate.DroppedFields;
import dev.relay.gateway.wire.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Relays an admitted request: the key's rate limit, the channel plan, one translator per attempt (chosen by {@link
 * Translators}), the engine's failover before the first byte, and the answer written by {@link ResponseWriter} —
 * metered by one {@link RequestMeter} whatever happens.
 */
final class Dispatch {

    private static final Pattern ANTHROPIC_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern ANTHROPIC_BETA = Pattern.compile("[A-Za-z0-9,._ -]{1,512}");

    private final RelayEngine engine;
    private final ChannelPlanner planner;
    private final KeyRateLimiter rateLimiter;
    private final ResponseWriter writer;
    private final RequestMeter.Sinks sinks;
    private final TokenEstimator estimator;
    private final Clock clock;
    private final int defaultMaxTokens;

    Dispatch(
            RelayEngine engine,
            ChannelPlanner planner,
            KeyRateLimiter rateLimiter,
            ResponseWriter writer,
            RequestMeter.Sinks sinks,
            int defaultMaxTokens) {
        this.engine = engine;
        this.planner = planner;
        this.rateLimiter = rateLimiter;
        this.writer = writer;
        this.sinks = sinks;
        this.estimator = sinks.estimator();
        this.clock = sinks.clock();
        this.defaultMaxTokens = defaultMaxTokens;
    }

    Mono<Void> relay(
            ServerWebExchange exchange,
            ClientKeyEntry key,
            Endpoint endpoint,
            Admitted a,
            String requestId,
            long start) {
        return rateLimiter.tryAcquire(key).flatMap(allowed -> {
            if (!allowed) {
                // a token bucket of rateLimitPerMinute refills one request every 60/limit seconds
                Integer perMinute = key.rateLimitPerMinute();
                long retry = perMinute == null || perMinute <= 0 ? 1 : Math.max(1, (59 + perMinute) / perMinute);
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retry));
                return writer.refuse(exchange, endpoint.api, Refusal.rateLimited());
            }
            Relayed r = new Relayed(exchange, key, endpoint, a, requestId, start);
            List<ChannelRoute> able = a.able();
            if (endpoint == Endpoint.COUNT_TOKENS) {
                able = able.stream()
                        .filter(ch -> ch.protocol() == Protocol.ANTHROPIC)
                        .toList();
                if (able.isEmpty()) {
                    return r.countLocally();
                }
            }
            // a pinned channel is tried even in cooldown: the control plane is proving it
            return r.run(a.pinned() ? able : planner.plan(able));
        });
    }

    /** One client request being relayed. */
    private static final org.slf4j.Logger ABORTS =
            org.slf4j.LoggerFactory.getLogger("dev.relay.gateway.edge.ClientAborts");

    private final class Relayed {
        final ServerWebExchange exchange;
        final Endpoint endpoint;
        final Admitted a;
        final RequestMeter meter;
        final ClientRequest cx;
        RelayEngine.Call call;
        /** The translator of the channel last prepared (attempts run one after another). */
        ChannelRoute preparedChannel;

        Translator prepared;

        Relayed(
                ServerWebExchange exchange,
                ClientKeyEntry key,
                Endpoint endpoint,
                Admitted a,
                String requestId,
                long start) {
            this.exchange = exchange;
            this.endpoint = endpoint;
            this.a = a;
            String model = a.req().model();
            this.meter = new RequestMeter(
                    sinks,
                    requestId,
                    key,
                    endpoint,
                    model,
                    a.stream(),
                    start,
                    exchange.getRequest(),
                    a.req().body(),
                    a.pinned());
            exchange.getAttributes().put(ResponseWriter.METERED, Boolean.TRUE);
            String answerId = (endpoint == Endpoint.RESPONSES ? "resp_" : "msg_") + randomId();
            this.cx = new ClientRequest(
                    a.req(),
                    model,
                    defaultMaxTokens,
                    anthropicHeaders(exchange.getRequest().getHeaders()),
                    answerId,
                    clock.instant().getEpochSecond(),
                    inputTokens());
        }

        /**
         * The request's input tokens for a Messages stream over an OpenAI channel ({@code message_start} shows them
         * before the upstream reports any), counted off the event loop while the upstream is called — a whole agent
         * context costs milliseconds to tokenize; 0 if not done by the first event.
         */
        private LongSupplier inputTokens() {
            boolean needed = endpoint == Endpoint.MESSAGES
                    && a.stream()
                    && a.able().stream().anyMatch(ch -> ch.protocol() == Protocol.OPENAI);
            if (!needed) {
                return () -> 0L;
            }
            byte[] body = a.req().body();
            CompletableFuture<Long> count = CompletableFuture.supplyAsync(
                            () -> LocalTokenCounter.countMessagesRequest(body, estimator),
                            task -> Schedulers.boundedElastic().schedule(task))
                    .exceptionally(e -> 0L);
            return () -> count.getNow(0L);
        }

        UpstreamRequest requestFor(ChannelRoute ch) {
            Translator t = Translators.pair(endpoint, ch).open(cx, ch);
            preparedChannel = ch;
            prepared = t;
            return t.request();
        }

        private Translator translatorFor(ChannelRoute ch) {
            if (ch == null || preparedChannel == null || !ch.id().equals(preparedChannel.id())) {
                throw new IllegalStateException("no translation prepared for the channel that answered");
            }
            return prepared;
        }

        Mono<Void> run(List<ChannelRoute> plan) {
            call = new RelayEngine.Call(
                    meter.requestId, a.req().model(), a.stream(), plan, this::requestFor, a.pinned());
            return engine.run(call)
                    .switchOnFirst((first, all) -> {
                        if (!first.hasValue()) {
                            return first.hasError() ? Mono.error(first.getThrowable()) : Mono.empty();
                        }
                        RelaySignal s = first.get();
                        if (s instanceof Reject r) {
                            if (endpoint == Endpoint.COUNT_TOKENS && (r.status() >= 500 || r.status() == 429)) {
                                return countLocally(); // the upstream cannot count now; our tokenizer can
                            }
                            return writer.rejected(exchange.getResponse(), endpoint.api, r, meter);
                        }
                        Commit c = (Commit) s;
                        meter.committed(c);
                        Translator t = translatorFor(c.channel());
                        DroppedFields dropped = t.dropped();
                        if (dropped != null && !dropped.isEmpty()) {
                            exchange.getResponse().getHeaders().set(DroppedFields.HEADER, dropped.headerValue());
                        }
                        Flux<RelaySignal> rest = all.skip(1);
                        return a.stream()
                                ? writer.streamed(exchange.getResponse(), c, rest, t, meter, call)
                                : writer.buffered(exchange.getResponse(), endpoint.api, c, rest, t, meter);
                    })
                    .then()
                    .doOnCancel(() -> {
                        meter.clientAborted();
                        aborted();
                    })
                    .doOnError(meter::failed)
                    .doFinally(sig -> meter.finish());
        }

        /** A client that goes away before its answer is logged once, with how long it waited and the connection's state. */
        private void aborted() {
            if (ABORTS.isInfoEnabled()) {
                boolean open = exchange.getRequest()
                                instanceof org.springframework.http.server.reactive.AbstractServerHttpRequest r
                        && r.getNativeRequest() instanceof reactor.netty.Connection c
                        && c.channel().isActive();
                ABORTS.info(
                        "request {} {} {}: the client went away after {} ms (connection {})",
                        meter.requestId,
                        exchange.getRequest().getMethod(),
                        exchange.getRequest().getPath().value(),
                        (System.nanoTime() - meter.start) / 1_000_000,
                        open ? "still open" : "closed");
            }
        }

        /** {@code count_tokens} without an Anthropic channel: a real BPE tokenizer over the request as it would be sent. */
        Mono<Void> countLocally() {
            // a whole agent context can be hundreds of KB: tokenize it off the event loop
            return Mono.fromCallable(
                            () -> LocalTokenCounter.countMessagesRequest(a.req().body(), estimator))
                    .subscribeOn(Schedulers.boundedElastic())
                    .flatMap(tokens -> {
                        meter.status = 200;
                        meter.usage = TokenUsage.NONE;
                        exchange.getResponse().getHeaders().set("x-relay-token-count", "tokenizer");
                        byte[] body = ("{\"input_tokens\":" + tokens + "}").getBytes(StandardCharsets.UTF_8);
                        return writer.answer(exchange.getResponse(), HttpStatus.OK, body, meter);
                    })
                    .onErrorResume(BadRequestException.class, ex -> {
                        meter.status = 400;
                        meter.outcome = Outcome.FAILED;
                        return writer.refuse(
                                exchange, ClientApi.ANTHROPIC, Refusal.invalid(ex.getMessage(), ex.param()));
                    })
                    .doFinally(sig -> meter.finish());
        }
    }

    /** The client's {@code anthropic-version} / {@code anthropic-beta}, for Anthropic channels (validated). */
    private static Map<String, String> anthropicHeaders(HttpHeaders h) {
        String version = h.getFirst("anthropic-version");
        String beta = h.getFirst("anthropic-beta");
        if (version == null && beta == null) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>(2);
        if (version != null && ANTHROPIC_VERSION.matcher(version).matches()) {
            out.put("anthropic-version", version);
        }
        if (beta != null && ANTHROPIC_BETA.matcher(beta).matches()) {
            out.put("anthropic-beta", beta);
        }
        return out;
    }

    private static String randomId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
    }
}
