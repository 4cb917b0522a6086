package dev.relay.gateway.edge;

import dev.relay.gateway.api.EarlyAnswer;
import dev.relay.gateway.edge.Admission.Admitted;
import dev.relay.gateway.edge.Admission.Refused;
import dev.relay.gateway.introspect.DebugRecorder;
import dev.relay.gateway.proxy.ContextBarrier;
import dev.relay.gateway.proxy.RequestPurpose;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.routing.ClientKeys;
import dev.relay.gateway.routing.RoutingSnapshot;
import dev.relay.gateway.routing.SnapshotHolder;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The front door of the client APIs on the edge's main port. OpenAI: {@code GET /v1/models[/{id}]}, {@code POST
 * /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/responses}. Anthropic: {@code POST /v1/messages}, {@code
 * /v1/messages/count_tokens} ({@code /v1/models} answers in Anthropic's shape when the request carries {@code
 * anthropic-version}). Discovery: {@code GET /capabilities}, {@code /v1/capabilities}. Handled here, ahead of the
 * gateway's generic route matching, because this is the hot path: one snapshot read, one body scan.
 *
 * <p>It authenticates and routes; the rest is one class each: {@link Admission} (the checks before any upstream call),
 * {@link Dispatch} (rate limit, plan, failover, one translator per attempt from {@link Translators}), {@link
 * ResponseWriter} (answers, refusals, streams) and {@link RequestMeter} (one usage event per request).
 *
 * <p>Order of checks: 401 (key), 429 (key exhausted), 404/405 (endpoint), 413 (size), then {@link Admission}'s, then
 * 429 (key rate limit), then upstream. Nothing that fails a check reaches an upstream. Every error is in the calling
 * API's own shape.
 *
 * <p>A request proven by the admin token ({@code x-admin-token}) may pin one channel ({@code x-relay-channel}, see
 * {@link RequestPurpose#pinnedChannel}): it is routed to that channel only, whatever its cooldown (a channel that is
 * not ENABLED answers 503), and its outcome does not feed channel health.
 */
public class EdgeApiWebFilter implements WebFilter, Ordered {

    /** Runs before Spring Cloud Gateway's route handler and before the admin API. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    public static final String REQUEST_ID_HEADER = "x-request-id";
    /** The same id under the name Anthropic uses, on Anthropic API responses. */
    public static final String ANTHROPIC_REQUEST_ID_HEADER = "request-id";
    /**
     * Names the edge's own refusal where a client could mistake it for an upstream's (e.g. a 429 {@code key_exhausted}
     * versus an upstream rate limit).
     */
    public static final String ERROR_CODE_HEADER = "x-relay-error-code";

    private final SnapshotHolder snapshots;
    private final Dispatch dispatch;
    private final ResponseWriter writer;
    private final RequestPurpose purposes;
    private final DebugRecorder debug;
    private final Clock clock;
    private final int maxBodyBytes;

    EdgeApiWebFilter(
            SnapshotHolder snapshots,
            Dispatch dispatch,
            ResponseWriter writer,
            RequestPurpose purposes,
            DebugRecorder debug,
            Clock clock,
            int maxBodyBytes) {
        this.snapshots = snapshots;
        this.dispatch = dispatch;
        this.writer = writer;
        this.purposes = purposes;
        this.debug = debug;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        boolean capabilities = path.equals("/capabilities") || path.equals("/v1/capabilities");
        if (!capabilities && !path.startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        long start = System.nanoTime();
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        String requestId = requestId(request);
        exchange.getResponse().getHeaders().set(REQUEST_ID_HEADER, requestId);
        Endpoint endpoint = Endpoint.of(path);
        ClientApi api = endpoint != null
                ? endpoint.api
                : headers.containsHeader("anthropic-version") ? ClientApi.ANTHROPIC : ClientApi.OPENAI;
        if (api == ClientApi.ANTHROPIC) {
            // Anthropic's SDKs read the request id from "request-id" (e.g. AnthropicServiceException.requestId())
            exchange.getResponse().getHeaders().set(ANTHROPIC_REQUEST_ID_HEADER, requestId);
        }
        RoutingSnapshot snapshot = snapshots.get();
        ClientKeyEntry key = authenticate(headers, snapshot);
        if (key == null) {
            return refuseAfterBody(exchange, api, Refusal.unauthorized());
        }
        if (debug.enabled()) {
            exchange.getAttributes().put(ResponseWriter.CLIENT_KEY, key);
        }
        String pinned = purposes.pinnedChannel(
                headers.getFirst(RequestPurpose.CHANNEL_HEADER), headers.getFirst(RequestPurpose.TOKEN_HEADER));
        // a pinned confirmation proves the channel, not the consumer's budget (and is never debited)
        if (pinned == null && key.exhaustedAt(clock.instant())) {
            return afterBody(exchange, () -> keyExhausted(exchange, api, key));
        }
        HttpMethod method = request.getMethod();
        if (capabilities || path.equals("/v1/models") || path.startsWith("/v1/models/")) {
            if (method != HttpMethod.GET) {
                return refuseAfterBody(exchange, api, Refusal.methodNotAllowed("GET", path));
            }
            if (capabilities) {
                return ResponseWriter.write(exchange.getResponse(), HttpStatus.OK, Capabilities.of(snapshot, key));
            }
            String id = path.length() > "/v1/models/".length() ? path.substring("/v1/models/".length()) : null;
            ModelList.Answer a = ModelList.answer(api, snapshot, key, id, pinned);
            return a.refusal() != null
                    ? writer.refuse(exchange, api, a.refusal())
                    : ResponseWriter.write(exchange.getResponse(), HttpStatus.OK, a.body());
        }
        if (endpoint == null) {
            return refuseAfterBody(exchange, api, Refusal.unknownEndpoint(path));
        }
        if (method != HttpMethod.POST) {
            return refuseAfterBody(exchange, api, Refusal.methodNotAllowed("POST", path));
        }
        if (headers.getContentLength() > maxBodyBytes) {
            return refuseAfterBody(exchange, api, Refusal.tooLarge(maxBodyBytes));
        }
        return ContextBarrier.on(DataBufferUtils.join(request.getBody(), maxBodyBytes)
                .map(buf -> {
                    byte[] b = new byte[buf.readableByteCount()];
                    buf.read(b);
                    DataBufferUtils.release(buf);
                    return b;
                })
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> {
                    if (debug.enabled()) {
                        exchange.getAttributes().put(ResponseWriter.REQUEST_BODY, body);
                    }
                    return switch (Admission.admit(snapshot, key, endpoint, body, pinned, path)) {
                        case Refused r -> writer.refuse(exchange, api, r.refusal());
                        case Admitted a -> dispatch.relay(exchange, key, endpoint, a, requestId, start);
                    };
                })
                .onErrorResume(DataBufferLimitException.class, e -> {
                    // the rest of a body without a declared length is still coming: close after answering
                    exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
                    return writer.refuse(exchange, api, Refusal.tooLarge(maxBodyBytes));
                }));
    }

    /**
     * 429 for a key whose budget is used up (usage accounting marked it {@code EXHAUSTED}), named by
     * {@value #ERROR_CODE_HEADER}{@code : key_exhausted} so a client can tell it from an upstream's rate limit;
     * {@code Retry-After} when the reset time is known.
     */
    private Mono<Void> keyExhausted(ServerWebExchange exchange, ClientApi api, ClientKeyEntry key) {
        ClientKeyEntry.Exhaustion e = key.exhausted();
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set(ERROR_CODE_HEADER, "key_exhausted");
        if (e.until() != null) {
            long millis = Duration.between(clock.instant(), e.until()).toMillis();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (millis + 999) / 1000)));
        }
        String message = "This key is out of budget" + (e.reason() == null ? "" : " (" + e.reason() + ")") + "; "
                + (e.until() == null ? "access returns after a top-up" : "access returns at " + e.until());
        return writer.refuse(
                exchange,
                api,
                new Refusal(HttpStatus.TOO_MANY_REQUESTS, message, "insufficient_quota", null, "key_exhausted"));
    }

    private ClientKeyEntry authenticate(HttpHeaders headers, RoutingSnapshot snapshot) {
        String presented = null;
        String auth = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = auth.substring(7).trim();
        }
        if (presented == null || presented.isEmpty()) {
            presented = headers.getFirst("x-api-key");
        }
        if (presented == null || presented.isEmpty() || presented.length() > 512) {
            return null;
        }
        ClientKeyEntry key = snapshot.keyByHash(ClientKeys.hash(presented)).orElse(null);
        return key != null && key.authenticatesAt(clock.instant()) ? key : null;
    }

    private static String requestId(ServerHttpRequest request) {
        String given = request.getHeaders().getFirst(REQUEST_ID_HEADER);
        if (given != null && given.length() <= 64 && given.matches("[A-Za-z0-9._:-]+")) {
            return given;
        }
        return "req_" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
    }

    private Mono<Void> refuseAfterBody(ServerWebExchange exchange, ClientApi api, Refusal r) {
        return afterBody(exchange, () -> writer.refuse(exchange, api, r));
    }

    /** Answers early, reading (and discarding) a bounded rest of the body so the connection stays usable. */
    private Mono<Void> afterBody(ServerWebExchange exchange, Supplier<Mono<Void>> answer) {
        return EarlyAnswer.afterBody(exchange, Math.max(2L * maxBodyBytes, 1L << 20), answer);
    }
}
