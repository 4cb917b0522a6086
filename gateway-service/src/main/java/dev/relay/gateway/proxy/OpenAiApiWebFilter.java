package dev.relay.gateway.proxy;

import dev.relay.contracts.Protocol;
import dev.relay.contracts.UsageRecorded;
import dev.relay.contracts.UsageRecorded.Outcome;
import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.api.OpenAiErrors;
import dev.relay.gateway.metering.UsageSink;
import dev.relay.gateway.proxy.RelaySignal.Body;
import dev.relay.gateway.proxy.RelaySignal.Commit;
import dev.relay.gateway.proxy.RelaySignal.MidStreamFailure;
import dev.relay.gateway.proxy.RelaySignal.Reject;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.routing.ClientKeys;
import dev.relay.gateway.routing.GroupEntry;
import dev.relay.gateway.routing.RoutingSnapshot;
import dev.relay.gateway.routing.SnapshotHolder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAI-compatible client API on the edge's main port: {@code GET /v1/models[/{id}]}, {@code POST
 * /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/responses}. Handled here, ahead of the gateway's generic
 * route matching, because this is the hot path: one snapshot read, one body scan, byte-level rewrites only.
 *
 * <p>Order of checks: 401 (key), 404/405 (endpoint), 413 (size), 400 (body), 404 (model), 403 (model for key), 429
 * (key rate limit), then upstream. Nothing that fails a check reaches an upstream.
 */
public class OpenAiApiWebFilter implements WebFilter, Ordered {

    /** Runs before Spring Cloud Gateway's route handler and before the admin API. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    public static final String REQUEST_ID_HEADER = "x-request-id";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A model-routed endpoint. */
    enum Endpoint {
        CHAT("/chat/completions", "openai.chat"),
        EMBEDDINGS("/embeddings", "openai.embeddings"),
        RESPONSES("/responses", "openai.responses");

        final String upstreamPath;
        final String apiName;

        Endpoint(String upstreamPath, String apiName) {
            this.upstreamPath = upstreamPath;
            this.apiName = apiName;
        }

        boolean servedBy(ChannelRoute ch) {
            if (ch.protocol() != Protocol.OPENAI) {
                return false; // OpenAI clients reach Anthropic channels only through translation (not yet built)
            }
            return switch (this) {
                case CHAT -> ch.capabilities().chat();
                case EMBEDDINGS -> ch.capabilities().embeddings();
                case RESPONSES -> ch.capabilities().responses();
            };
        }
    }

    private final SnapshotHolder snapshots;
    private final RelayEngine engine;
    private final ChannelPlanner planner;
    private final UsageSink usage;
    private final KeyRateLimiter rateLimiter;
    private final TokenEstimator estimator;
    private final Clock clock;
    private final int maxBodyBytes;

    public OpenAiApiWebFilter(
            SnapshotHolder snapshots,
            RelayEngine engine,
            ChannelPlanner planner,
            UsageSink usage,
            KeyRateLimiter rateLimiter,
            TokenEstimator estimator,
            Clock clock,
            int maxBodyBytes) {
        this.snapshots = snapshots;
        this.engine = engine;
        this.planner = planner;
        this.usage = usage;
        this.rateLimiter = rateLimiter;
        this.estimator = estimator;
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
        if (!path.startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        long start = System.nanoTime();
        String requestId = requestId(exchange.getRequest());
        exchange.getResponse().getHeaders().set(REQUEST_ID_HEADER, requestId);
        RoutingSnapshot snapshot = snapshots.get();
        ClientKeyEntry key = authenticate(exchange.getRequest(), snapshot);
        if (key == null) {
            return error(
                    exchange,
                    HttpStatus.UNAUTHORIZED,
                    "invalid or missing API key; send it as 'Authorization: Bearer <key>' or 'x-api-key'",
                    "invalid_request_error",
                    null,
                    "invalid_api_key");
        }
        HttpMethod method = exchange.getRequest().getMethod();
        if (path.equals("/v1/models") || path.startsWith("/v1/models/")) {
            if (method != HttpMethod.GET) {
                return error(
                        exchange,
                        HttpStatus.METHOD_NOT_ALLOWED,
                        "use GET for " + path,
                        "invalid_request_error",
                        null,
                        "method_not_allowed");
            }
            return models(
                    exchange,
                    snapshot,
                    key,
                    path.length() > "/v1/models/".length() ? path.substring("/v1/models/".length()) : null);
        }
        Endpoint endpoint = switch (path) {
            case "/v1/chat/completions" -> Endpoint.CHAT;
            case "/v1/embeddings" -> Endpoint.EMBEDDINGS;
            case "/v1/responses" -> Endpoint.RESPONSES;
            default -> null;
        };
        if (endpoint == null) {
            return error(
                    exchange,
                    HttpStatus.NOT_FOUND,
                    "unknown endpoint " + path,
                    "invalid_request_error",
                    null,
                    "unknown_endpoint");
        }
        if (method != HttpMethod.POST) {
            return error(
                    exchange,
                    HttpStatus.METHOD_NOT_ALLOWED,
                    "use POST for " + path,
                    "invalid_request_error",
                    null,
                    "method_not_allowed");
        }
        long declared = exchange.getRequest().getHeaders().getContentLength();
        if (declared > maxBodyBytes) {
            return tooLarge(exchange);
        }
        return DataBufferUtils.join(exchange.getRequest().getBody(), maxBodyBytes)
                .map(buf -> {
                    byte[] b = new byte[buf.readableByteCount()];
                    buf.read(b);
                    DataBufferUtils.release(buf);
                    return b;
                })
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> handle(exchange, snapshot, key, endpoint, body, requestId, start))
                .onErrorResume(DataBufferLimitException.class, e -> tooLarge(exchange));
    }

    private Mono<Void> handle(
            ServerWebExchange exchange,
            RoutingSnapshot snapshot,
            ClientKeyEntry key,
            Endpoint endpoint,
            byte[] body,
            String requestId,
            long start) {
        ChatRequest req;
        try {
            req = ChatRequest.inspect(body, true);
        } catch (BadRequestException ex) {
            return error(
                    exchange,
                    HttpStatus.BAD_REQUEST,
                    ex.getMessage(),
                    "invalid_request_error",
                    ex.param(),
                    "invalid_request");
        }
        String model = req.model();
        if (endpoint == Endpoint.EMBEDDINGS && req.stream()) {
            return error(
                    exchange,
                    HttpStatus.BAD_REQUEST,
                    "embeddings cannot be streamed",
                    "invalid_request_error",
                    "stream",
                    "invalid_request");
        }
        Optional<GroupEntry> group = snapshot.group(key.groupId());
        if (!snapshot.knowsModel(model)) {
            return error(
                    exchange,
                    HttpStatus.NOT_FOUND,
                    "the model '" + model + "' does not exist",
                    "invalid_request_error",
                    "model",
                    "model_not_found");
        }
        if (group.isEmpty() || !group.get().allows(model)) {
            return error(
                    exchange,
                    HttpStatus.FORBIDDEN,
                    "this API key may not use the model '" + model + "'",
                    "invalid_request_error",
                    "model",
                    "model_not_allowed");
        }
        List<ChannelRoute> candidates = snapshot.candidates(model, key.groupId());
        List<ChannelRoute> able = new ArrayList<>(candidates.size());
        for (ChannelRoute ch : candidates) {
            if (endpoint.servedBy(ch) && (!req.stream() || ch.capabilities().streaming())) {
                able.add(ch);
            }
        }
        if (able.isEmpty() && !candidates.isEmpty()) {
            return error(
                    exchange,
                    HttpStatus.BAD_REQUEST,
                    "no channel of the model '" + model + "' supports "
                            + exchange.getRequest().getPath().value() + (req.stream() ? " with streaming" : ""),
                    "invalid_request_error",
                    null,
                    "unsupported_endpoint");
        }
        return rateLimiter.tryAcquire(key).flatMap(allowed -> {
            if (!allowed) {
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
                return error(
                        exchange,
                        HttpStatus.TOO_MANY_REQUESTS,
                        "rate limit of this API key exceeded",
                        "rate_limit_error",
                        null,
                        "rate_limit_exceeded");
            }
            return relay(exchange, key, endpoint, req, planner.plan(able), requestId, start);
        });
    }

    private Mono<Void> relay(
            ServerWebExchange exchange,
            ClientKeyEntry key,
            Endpoint endpoint,
            ChatRequest req,
            List<ChannelRoute> plan,
            String requestId,
            long start) {
        String model = req.model();
        boolean stream = req.stream();
        boolean forceUsage = endpoint == Endpoint.CHAT;
        boolean stripUsage = stream && endpoint == Endpoint.CHAT && !req.clientIncludesUsage();
        Meter meter = new Meter(requestId, key, endpoint, model, stream, start);
        RelayEngine.Call call = new RelayEngine.Call(
                requestId,
                model,
                endpoint.upstreamPath,
                stream,
                plan,
                ch -> req.rewrite(ch.upstreamModel(model), forceUsage));
        ServerHttpResponse response = exchange.getResponse();
        return engine.run(call)
                .switchOnFirst((first, all) -> {
                    if (!first.hasValue()) {
                        return first.hasError() ? Mono.error(first.getThrowable()) : Mono.empty();
                    }
                    RelaySignal s = first.get();
                    if (s instanceof Reject r) {
                        meter.rejected(r);
                        if (r.retryAfterSeconds() != null) {
                            response.getHeaders().set(HttpHeaders.RETRY_AFTER, r.retryAfterSeconds());
                        }
                        return write(response, HttpStatus.valueOf(r.status()), r.body());
                    }
                    Commit c = (Commit) s;
                    meter.committed(c);
                    response.setStatusCode(HttpStatus.valueOf(c.status()));
                    String upstreamModel = c.channel().upstreamModel(model);
                    if (stream) {
                        HttpHeaders h = response.getHeaders();
                        h.setContentType(MediaType.TEXT_EVENT_STREAM);
                        h.setCacheControl("no-cache");
                        h.set("X-Accel-Buffering", "no");
                        OpenAiChatStream st = new OpenAiChatStream(upstreamModel, model, stripUsage);
                        meter.sse = st;
                        Flux<byte[]> out = all.skip(1)
                                .concatMapIterable(sig -> switch (sig) {
                                    case Body b -> st.accept(b.bytes());
                                    case MidStreamFailure f -> {
                                        meter.midStreamFailure(f);
                                        List<byte[]> tail = new ArrayList<>(st.finish());
                                        tail.add(OpenAiErrors.streamEvent(
                                                f.timeout()
                                                        ? "upstream stream stalled; the response is incomplete"
                                                        : "upstream connection failed mid-stream; the response is incomplete",
                                                "server_error",
                                                f.timeout() ? "upstream_timeout" : "upstream_error"));
                                        yield tail;
                                    }
                                    default -> List.of();
                                })
                                .concatWith(Flux.defer(() -> {
                                    if (meter.failedMidStream) {
                                        return Flux.empty();
                                    }
                                    List<byte[]> tail = new ArrayList<>(st.finish());
                                    if (!st.done() && endpoint == Endpoint.CHAT) {
                                        meter.endedWithoutDone();
                                        tail.add(OpenAiErrors.streamEvent(
                                                "upstream ended the stream without completing it; the response is incomplete",
                                                "server_error",
                                                "upstream_incomplete"));
                                    }
                                    return Flux.fromIterable(tail);
                                }));
                        return response.writeAndFlushWith(out.map(
                                bytes -> Mono.just(response.bufferFactory().wrap(bytes))));
                    }
                    return all.skip(1).next().flatMap(sig -> {
                        byte[] full = sig instanceof Body b ? b.bytes() : new byte[0];
                        meter.usage = Usage.fromBody(full, 0, full.length);
                        byte[] out = renameModel(full, upstreamModel, model);
                        String ct = c.upstreamHeaders().get("content-type");
                        response.getHeaders()
                                .set(HttpHeaders.CONTENT_TYPE, ct != null ? ct : MediaType.APPLICATION_JSON_VALUE);
                        return write(response, HttpStatus.valueOf(c.status()), out);
                    });
                })
                .then()
                .doOnCancel(meter::clientAborted)
                .doOnError(meter::failed)
                .doFinally(sig -> meter.finish());
    }

    private static byte[] renameModel(byte[] body, String upstreamModel, String publicModel) {
        if (upstreamModel.equals(publicModel)) {
            return body;
        }
        int[] at = JsonScan.topLevelString(body, 0, body.length, "model");
        if (at == null) {
            return body;
        }
        byte[] q = JsonScan.quoted(publicModel);
        byte[] out = new byte[body.length - (at[1] - at[0]) + q.length];
        System.arraycopy(body, 0, out, 0, at[0]);
        System.arraycopy(q, 0, out, at[0], q.length);
        System.arraycopy(body, at[1], out, at[0] + q.length, body.length - at[1]);
        return out;
    }

    private Mono<Void> models(ServerWebExchange exchange, RoutingSnapshot snapshot, ClientKeyEntry key, String id) {
        List<String> models = snapshot.modelsFor(key.groupId());
        if (id != null) {
            if (!models.contains(id)) {
                return error(
                        exchange,
                        HttpStatus.NOT_FOUND,
                        "the model '" + id + "' does not exist",
                        "invalid_request_error",
                        "model",
                        "model_not_found");
            }
            return write(exchange.getResponse(), HttpStatus.OK, JSON.writeValueAsBytes(modelNode(id)));
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        models.forEach(m -> data.add(modelNode(m)));
        return write(exchange.getResponse(), HttpStatus.OK, JSON.writeValueAsBytes(root));
    }

    private static ObjectNode modelNode(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("object", "model");
        n.put("created", 0);
        n.put("owned_by", "relay");
        return n;
    }

    private ClientKeyEntry authenticate(ServerHttpRequest request, RoutingSnapshot snapshot) {
        String presented = null;
        String auth = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = auth.substring(7).trim();
        }
        if (presented == null || presented.isEmpty()) {
            presented = request.getHeaders().getFirst("x-api-key");
        }
        if (presented == null || presented.isEmpty() || presented.length() > 512) {
            return null;
        }
        ClientKeyEntry key = snapshot.keyByHash(ClientKeys.hash(presented)).orElse(null);
        return key != null && key.usableAt(clock.instant()) ? key : null;
    }

    private static String requestId(ServerHttpRequest request) {
        String given = request.getHeaders().getFirst(REQUEST_ID_HEADER);
        if (given != null && given.length() <= 64 && given.matches("[A-Za-z0-9._:-]+")) {
            return given;
        }
        return "req_" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
    }

    private Mono<Void> tooLarge(ServerWebExchange exchange) {
        return error(
                exchange,
                HttpStatus.CONTENT_TOO_LARGE,
                "request body exceeds " + maxBodyBytes + " bytes",
                "invalid_request_error",
                null,
                "request_too_large");
    }

    static Mono<Void> error(
            ServerWebExchange exchange, HttpStatus status, String message, String type, String param, String code) {
        return write(exchange.getResponse(), status, OpenAiErrors.body(message, type, param, code));
    }

    private static Mono<Void> write(ServerHttpResponse response, HttpStatus status, byte[] body) {
        response.setStatusCode(status);
        if (!response.getHeaders().containsHeader(HttpHeaders.CONTENT_TYPE)) {
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        }
        response.getHeaders().setContentLength(body.length);
        DataBuffer buf = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buf));
    }

    /** Per-request metering state; emits exactly one usage event and one metrics sample. */
    private final class Meter {
        final String requestId;
        final ClientKeyEntry key;
        final Endpoint endpoint;
        final String model;
        final boolean streaming;
        final long start;
        ChannelRoute channel;
        List<String> tried = List.of();
        int attempts;
        int status;
        Outcome outcome = Outcome.OK;
        Long ttft;
        TokenUsage usage;
        OpenAiChatStream sse;
        boolean failedMidStream;
        private boolean finished;

        Meter(String requestId, ClientKeyEntry key, Endpoint endpoint, String model, boolean stream, long start) {
            this.requestId = requestId;
            this.key = key;
            this.endpoint = endpoint;
            this.model = model;
            this.streaming = stream;
            this.start = start;
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

        void midStreamFailure(MidStreamFailure f) {
            failedMidStream = true;
            outcome = Outcome.INCOMPLETE;
        }

        void endedWithoutDone() {
            outcome = Outcome.INCOMPLETE;
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

        synchronized void finish() {
            if (finished) {
                return;
            }
            finished = true;
            TokenUsage u = sse != null ? sse.usage() : usage;
            if (u == null && sse != null) {
                u = estimator.estimate(sse.deliveredText());
            }
            if (u == null) {
                u = TokenUsage.NONE;
            }
            long latency = System.nanoTime() - start;
            String channelId = channel == null ? null : channel.id();
            engine.metrics()
                    .request(
                            model,
                            channelId,
                            status,
                            outcome.name().toLowerCase(java.util.Locale.ROOT),
                            latency,
                            streaming ? ttft : null);
            engine.metrics().tokens(model, u.promptTokens(), u.completionTokens());
            UsageRecorded event = new UsageRecorded(
                    requestId,
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
                    clock.instant());
            OpenAiApiWebFilter.this.usage.record(event);
        }
    }
}
