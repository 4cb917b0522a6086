package dev.relay.gateway.proxy;

import dev.relay.contracts.Protocol;
import dev.relay.contracts.UsageRecorded;
import dev.relay.contracts.UsageRecorded.Outcome;
import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.api.AnthropicErrors;
import dev.relay.gateway.api.EarlyAnswer;
import dev.relay.gateway.api.ErrorShapes;
import dev.relay.gateway.api.OpenAiErrors;
import dev.relay.gateway.introspect.DebugRecorder;
import dev.relay.gateway.metering.UsageSink;
import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.proxy.RelaySignal.Body;
import dev.relay.gateway.proxy.RelaySignal.Commit;
import dev.relay.gateway.proxy.RelaySignal.MidStreamFailure;
import dev.relay.gateway.proxy.RelaySignal.Reject;
import dev.relay.gateway.routing.ChannelCapabilities;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.routing.ClientKeys;
import dev.relay.gateway.routing.GroupEntry;
import dev.relay.gateway.routing.RoutingSnapshot;
import dev.relay.gateway.routing.SnapshotHolder;
import dev.relay.gateway.translate.AnthropicOverOpenAi;
import dev.relay.gateway.translate.AnthropicPassthroughStream;
import dev.relay.gateway.translate.ChunkTransform;
import dev.relay.gateway.translate.DroppedFields;
import dev.relay.gateway.translate.ImageFallback;
import dev.relay.gateway.translate.OpenAiChatStream;
import dev.relay.gateway.translate.OpenAiOverAnthropic;
import dev.relay.gateway.translate.ResponsesOverAnthropic;
import dev.relay.gateway.translate.ResponsesOverChat;
import dev.relay.gateway.translate.ResponsesOverChatStream;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.ToolEmulation;
import dev.relay.gateway.translate.Translated;
import dev.relay.gateway.wire.BadRequestException;
import dev.relay.gateway.wire.JsonScan;
import dev.relay.gateway.wire.UsageReader;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
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
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The client APIs on the edge's main port. OpenAI: {@code GET /v1/models[/{id}]}, {@code POST /v1/chat/completions},
 * {@code /v1/embeddings}, {@code /v1/responses}. Anthropic: {@code POST /v1/messages}, {@code
 * /v1/messages/count_tokens} ({@code /v1/models} answers in Anthropic's shape when the request carries
 * {@code anthropic-version}). Discovery: {@code GET /capabilities}, {@code /v1/capabilities}. Handled here, ahead of
 * the gateway's generic route matching, because this is the hot path: one snapshot read, one body scan, byte-level
 * rewrites when client API and channel protocol agree, a pure translator (see {@code dev.relay.gateway.translate})
 * when they do not.
 *
 * <p>Order of checks: 401 (key), 429 (key exhausted), 404/405 (endpoint), 413 (size), 400 (body), 404 (model), 403
 * (model for key), 400 (no channel can serve this request's features), 429 (key rate limit), then upstream. Nothing
 * that fails a check reaches an upstream. Every error is in the calling API's own shape.
 *
 * <p>A request proven by the admin token ({@code x-admin-token}) may pin one channel ({@code x-relay-channel}, see
 * {@link RequestPurpose#pinnedChannel}): it is routed to that channel only, whatever its cooldown (a channel that is not ENABLED answers 503), and its
 * outcome does not feed channel health.
 */
public class EdgeApiWebFilter implements WebFilter, Ordered {

    /** Runs before Spring Cloud Gateway's route handler and before the admin API. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    public static final String REQUEST_ID_HEADER = "x-request-id";
    /**
     * Names the edge's own refusal where a client could mistake it for an upstream's (e.g. a 429 {@code key_exhausted}
     * versus an upstream rate limit).
     */
    public static final String ERROR_CODE_HEADER = "x-relay-error-code";
    /** Exchange attributes: set once a {@link Relay} meters the request; the authenticated key; the read body. */
    static final String METERED = EdgeApiWebFilter.class.getName() + ".metered";

    static final String CLIENT_KEY = EdgeApiWebFilter.class.getName() + ".clientKey";
    static final String REQUEST_BODY = EdgeApiWebFilter.class.getName() + ".requestBody";
    /** The same id under the name Anthropic uses, on Anthropic API responses. */
    public static final String ANTHROPIC_REQUEST_ID_HEADER = "request-id";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ANTHROPIC_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern ANTHROPIC_BETA = Pattern.compile("[A-Za-z0-9,._ -]{1,512}");

    /** Which API's shapes (errors, model list) a request gets. */
    enum ClientApi {
        OPENAI,
        ANTHROPIC
    }

    /** A model-routed endpoint. */
    enum Endpoint {
        CHAT(ClientApi.OPENAI, "openai.chat"),
        EMBEDDINGS(ClientApi.OPENAI, "openai.embeddings"),
        RESPONSES(ClientApi.OPENAI, "openai.responses"),
        MESSAGES(ClientApi.ANTHROPIC, "anthropic.messages"),
        COUNT_TOKENS(ClientApi.ANTHROPIC, "anthropic.count_tokens");

        final ClientApi api;
        final String apiName;

        Endpoint(ClientApi api, String apiName) {
            this.api = api;
            this.apiName = apiName;
        }

        static Endpoint of(String path) {
            return switch (path) {
                case "/v1/chat/completions" -> CHAT;
                case "/v1/embeddings" -> EMBEDDINGS;
                case "/v1/responses" -> RESPONSES;
                case "/v1/messages" -> MESSAGES;
                case "/v1/messages/count_tokens" -> COUNT_TOKENS;
                default -> null;
            };
        }

        /** Chat-like endpoints reach both protocols (through translation); the others only their own. */
        boolean servedBy(ChannelRoute ch) {
            ChannelCapabilities c = ch.capabilities();
            return switch (this) {
                case CHAT, MESSAGES, COUNT_TOKENS -> c.chat();
                case EMBEDDINGS -> ch.protocol() == Protocol.OPENAI && c.embeddings();
                // natively where the channel has /responses, translated over chat or messages everywhere else
                case RESPONSES -> c.chat() || ch.protocol() == Protocol.OPENAI && c.responses();
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
    private final int defaultMaxTokens;
    private final DebugRecorder debug;

    /** This replica's id, reported as {@code edgeId} on every usage event. */
    private final String edgeId;

    private final RequestPurpose purposes;

    public EdgeApiWebFilter(
            SnapshotHolder snapshots,
            RelayEngine engine,
            ChannelPlanner planner,
            UsageSink usage,
            KeyRateLimiter rateLimiter,
            TokenEstimator estimator,
            Clock clock,
            int maxBodyBytes,
            int defaultMaxTokens,
            DebugRecorder debug,
            String edgeId,
            RequestPurpose purposes) {
        this.snapshots = snapshots;
        this.engine = engine;
        this.planner = planner;
        this.usage = usage;
        this.rateLimiter = rateLimiter;
        this.estimator = estimator;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.defaultMaxTokens = defaultMaxTokens;
        this.debug = debug;
        this.edgeId = edgeId;
        this.purposes = purposes;
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
        String requestId = requestId(request);
        exchange.getResponse().getHeaders().set(REQUEST_ID_HEADER, requestId);
        Endpoint endpoint = Endpoint.of(path);
        ClientApi api = endpoint != null
                ? endpoint.api
                : request.getHeaders().containsHeader("anthropic-version") ? ClientApi.ANTHROPIC : ClientApi.OPENAI;
        if (api == ClientApi.ANTHROPIC) {
            // Anthropic's SDKs read the request id from "request-id" (e.g. AnthropicServiceException.requestId())
            exchange.getResponse().getHeaders().set(ANTHROPIC_REQUEST_ID_HEADER, requestId);
        }
        RoutingSnapshot snapshot = snapshots.get();
        ClientKeyEntry key = authenticate(request, snapshot);
        if (key != null && debug.enabled()) {
            exchange.getAttributes().put(CLIENT_KEY, key);
        }
        if (key == null) {
            return afterBody(
                    exchange,
                    () -> error(
                            exchange,
                            api,
                            HttpStatus.UNAUTHORIZED,
                            "invalid or missing API key; send it as 'Authorization: Bearer <key>' or 'x-api-key'",
                            "invalid_request_error",
                            null,
                            "invalid_api_key"));
        }
        String pinned = purposes.pinnedChannel(
                request.getHeaders().getFirst(RequestPurpose.CHANNEL_HEADER),
                request.getHeaders().getFirst(RequestPurpose.TOKEN_HEADER));
        // a pinned confirmation proves the channel, not the consumer's budget (and is never debited)
        if (pinned == null && key.exhaustedAt(clock.instant())) {
            return afterBody(exchange, () -> keyExhausted(exchange, api, key));
        }
        HttpMethod method = request.getMethod();
        if (capabilities || path.equals("/v1/models") || path.startsWith("/v1/models/")) {
            if (method != HttpMethod.GET) {
                return afterBody(
                        exchange,
                        () -> error(
                                exchange,
                                api,
                                HttpStatus.METHOD_NOT_ALLOWED,
                                "use GET for " + path,
                                "invalid_request_error",
                                null,
                                "method_not_allowed"));
            }
            if (capabilities) {
                return write(exchange.getResponse(), HttpStatus.OK, Capabilities.of(snapshot, key));
            }
            String id = path.length() > "/v1/models/".length() ? path.substring("/v1/models/".length()) : null;
            return models(exchange, api, snapshot, key, id, capabilities ? null : pinned);
        }
        if (endpoint == null) {
            return afterBody(
                    exchange,
                    () -> error(
                            exchange,
                            api,
                            HttpStatus.NOT_FOUND,
                            "unknown endpoint " + path,
                            "invalid_request_error",
                            null,
                            "unknown_endpoint"));
        }
        if (method != HttpMethod.POST) {
            return afterBody(
                    exchange,
                    () -> error(
                            exchange,
                            api,
                            HttpStatus.METHOD_NOT_ALLOWED,
                            "use POST for " + path,
                            "invalid_request_error",
                            null,
                            "method_not_allowed"));
        }
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBodyBytes) {
            return afterBody(exchange, () -> tooLarge(exchange, api));
        }
        return DataBufferUtils.join(request.getBody(), maxBodyBytes)
                .map(buf -> {
                    byte[] b = new byte[buf.readableByteCount()];
                    buf.read(b);
                    DataBufferUtils.release(buf);
                    return b;
                })
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> {
                    if (debug.enabled()) {
                        exchange.getAttributes().put(REQUEST_BODY, body);
                    }
                    return handle(exchange, snapshot, key, endpoint, body, requestId, start, pinned);
                })
                .onErrorResume(DataBufferLimitException.class, e -> {
                    // the rest of a body without a declared length is still coming: close after answering
                    exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
                    return tooLarge(exchange, api);
                });
    }

    private Mono<Void> handle(
            ServerWebExchange exchange,
            RoutingSnapshot snapshot,
            ClientKeyEntry key,
            Endpoint endpoint,
            byte[] body,
            String requestId,
            long start,
            String pinned) {
        ClientApi api = endpoint.api;
        ChatRequest req;
        try {
            req = ChatRequest.inspect(body, true);
        } catch (BadRequestException ex) {
            return error(
                    exchange,
                    api,
                    HttpStatus.BAD_REQUEST,
                    ex.getMessage(),
                    "invalid_request_error",
                    ex.param(),
                    "invalid_request");
        }
        String model = req.model();
        boolean stream = req.stream() && endpoint != Endpoint.COUNT_TOKENS;
        if (endpoint == Endpoint.EMBEDDINGS && stream) {
            return error(
                    exchange,
                    api,
                    HttpStatus.BAD_REQUEST,
                    "embeddings cannot be streamed",
                    "invalid_request_error",
                    "stream",
                    "invalid_request");
        }
        String maxTokensProblem = endpoint == Endpoint.MESSAGES ? req.maxTokensProblem() : null;
        if (maxTokensProblem != null) {
            // required by the Messages API whatever protocol the channel speaks (a passthrough would not check it)
            return error(
                    exchange,
                    api,
                    HttpStatus.BAD_REQUEST,
                    maxTokensProblem,
                    "invalid_request_error",
                    "max_tokens",
                    "invalid_request");
        }
        Optional<GroupEntry> group = snapshot.group(key.groupId());
        ChannelRoute pin = null;
        if (pinned != null) {
            pin = snapshot.channel(pinned).orElse(null);
            if (pin == null) {
                return pinnedChannelNotFound(exchange, api, pinned);
            }
            if (!pin.enabled()) {
                // a confirmation proves what clients can use: a channel clients cannot reach is not confirmed
                return error(
                        exchange,
                        api,
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "the pinned channel '" + pinned + "' is " + pin.status() + ": clients cannot reach it",
                        "server_error",
                        null,
                        "no_available_channel");
            }
            if (!pin.models().contains(model)) {
                return error(
                        exchange,
                        api,
                        HttpStatus.NOT_FOUND,
                        "the pinned channel '" + pinned + "' does not serve the model '" + model + "'",
                        "invalid_request_error",
                        "model",
                        "model_not_found");
            }
        } else if (!snapshot.knowsModel(model)) {
            return error(
                    exchange,
                    api,
                    HttpStatus.NOT_FOUND,
                    "the model '" + model + "' does not exist",
                    "invalid_request_error",
                    "model",
                    "model_not_found");
        }
        if (group.isEmpty() || !group.get().allows(model)) {
            return error(
                    exchange,
                    api,
                    HttpStatus.FORBIDDEN,
                    "this API key may not use the model '" + model + "'",
                    "invalid_request_error",
                    "model",
                    "model_not_allowed");
        }
        if (pin != null && !pin.servesGroup(key.groupId())) {
            return pinnedChannelNotAllowed(exchange, api, pinned);
        }
        List<ChannelRoute> candidates = pin != null ? List.of(pin) : snapshot.candidates(model, key.groupId());
        List<ChannelRoute> able = new ArrayList<>(candidates.size());
        String missing = null;
        Boolean images = null;
        for (ChannelRoute ch : candidates) {
            ChannelCapabilities caps = ch.capabilities();
            if (!endpoint.servedBy(ch)) {
                missing = missing == null ? "" : missing;
                continue;
            }
            if (endpoint == Endpoint.COUNT_TOKENS) {
                able.add(ch); // counting needs none of the channel's features
                continue;
            }
            if (stream && !caps.streaming()) {
                missing = " with streaming";
                continue;
            }
            // emulation is done for OpenAI-protocol channels only (as /capabilities reports): an Anthropic channel
            // without native tools would be sent the tools as they are
            if (req.hasTools() && !(caps.tools() || caps.emulatesTools() && ch.protocol() == Protocol.OPENAI)) {
                missing = " with tools";
                continue;
            }
            if (!caps.vision() && !caps.imageFallback()) {
                if (images == null) {
                    images = ImageFallback.hasImages(body);
                }
                if (images) {
                    missing = " with image input";
                    continue;
                }
            }
            able.add(ch);
        }
        if (able.isEmpty() && !candidates.isEmpty()) {
            return error(
                    exchange,
                    api,
                    HttpStatus.BAD_REQUEST,
                    "no channel of the model '" + model + "' supports "
                            + exchange.getRequest().getPath().value() + (missing == null ? "" : missing),
                    "invalid_request_error",
                    null,
                    "unsupported_endpoint");
        }
        return rateLimiter.tryAcquire(key).flatMap(allowed -> {
            if (!allowed) {
                // a token bucket of rateLimitPerMinute refills one request every 60/limit seconds
                Integer perMinute = key.rateLimitPerMinute();
                long retry = perMinute == null || perMinute <= 0 ? 1 : Math.max(1, (59 + perMinute) / perMinute);
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retry));
                return error(
                        exchange,
                        api,
                        HttpStatus.TOO_MANY_REQUESTS,
                        "rate limit of this API key exceeded",
                        "rate_limit_error",
                        null,
                        "rate_limit_exceeded");
            }
            boolean isPinned = pinned != null;
            Relay relay = new Relay(exchange, key, endpoint, req, stream, requestId, start, isPinned);
            if (endpoint == Endpoint.COUNT_TOKENS) {
                List<ChannelRoute> anthropic = able.stream()
                        .filter(ch -> ch.protocol() == Protocol.ANTHROPIC)
                        .toList();
                if (anthropic.isEmpty()) {
                    return relay.countLocally();
                }
                return relay.run(isPinned ? anthropic : planner.plan(anthropic));
            }
            // a pinned channel is tried even in cooldown: the control plane is proving it
            return relay.run(isPinned ? able : planner.plan(able));
        });
    }

    /** One client request being relayed: per-channel preparations, the response writer, and its meter. */
    private final class Relay {
        final ServerWebExchange exchange;
        final ClientKeyEntry key;
        final Endpoint endpoint;
        final ChatRequest req;
        final boolean stream;
        final String model;
        final boolean pinned;
        final Meter meter;
        RelayEngine.Call call;
        /** The tool emulation plan of the channel last prepared, if it emulates (attempts run one after another). */
        String emulatedChannel;

        ToolEmulation.Plan emulationPlan;

        /** What the translation for the channel last prepared dropped (attempts run one after another). */
        String droppedChannel;

        DroppedFields droppedFields;

        /** The Responses request as prepared for the channel last prepared, when it is translated. */
        String responsesChannel;

        ResponsesOverChat.Prepared responsesPrepared;

        /** The id and creation time of a translated Responses answer (one per client request). */
        final String responseId = "resp_" + randomId();

        final long createdAt;

        Relay(
                ServerWebExchange exchange,
                ClientKeyEntry key,
                Endpoint endpoint,
                ChatRequest req,
                boolean stream,
                String requestId,
                long start,
                boolean pinned) {
            this.exchange = exchange;
            this.key = key;
            this.endpoint = endpoint;
            this.req = req;
            this.stream = stream;
            this.model = req.model();
            this.pinned = pinned;
            this.createdAt = clock.instant().getEpochSecond();
            this.meter = new Meter(
                    requestId, key, endpoint, model, stream, start, exchange.getRequest(), req.body(), pinned);
            exchange.getAttributes().put(METERED, Boolean.TRUE);
        }

        /** The upstream request for one channel: model mapping, translation, channel adaptations. */
        UpstreamRequest requestFor(ChannelRoute ch) {
            String upstreamModel = ch.upstreamModel(model);
            boolean openAiChannel = ch.protocol() == Protocol.OPENAI;
            return switch (endpoint) {
                case CHAT ->
                    openAiChannel
                            ? new UpstreamRequest(
                                    "/chat/completions", adaptForOpenAi(ch, req.rewrite(upstreamModel, true)))
                            : new UpstreamRequest(
                                    "/messages",
                                    adaptForAnthropic(
                                            ch,
                                            OpenAiOverAnthropic.request(
                                                    req.body(), upstreamModel, defaultMaxTokens, droppedFor(ch))));
                case MESSAGES ->
                    openAiChannel
                            ? new UpstreamRequest(
                                    "/chat/completions",
                                    adaptForOpenAi(
                                            ch,
                                            AnthropicOverOpenAi.request(
                                                    req.body(), upstreamModel, ch.dialect(), droppedFor(ch))))
                            : new UpstreamRequest(
                                    "/messages",
                                    adaptForAnthropic(ch, req.rewrite(upstreamModel, false)),
                                    anthropicHeaders());
                case COUNT_TOKENS ->
                    new UpstreamRequest(
                            "/messages/count_tokens",
                            adaptForAnthropic(ch, req.rewrite(upstreamModel, false)),
                            anthropicHeaders());
                case EMBEDDINGS -> new UpstreamRequest("/embeddings", req.rewrite(upstreamModel, false));
                case RESPONSES -> {
                    if (nativeResponses(ch)) {
                        yield new UpstreamRequest("/responses", req.rewrite(upstreamModel, false));
                    }
                    DroppedFields dropped = droppedFor(ch);
                    ResponsesOverChat.Prepared p = ResponsesOverChat.request(
                            req.body(),
                            upstreamModel,
                            openAiChannel ? ch.dialect() : ResponsesOverAnthropic.CHAT_DIALECT,
                            dropped);
                    responsesChannel = ch.id();
                    responsesPrepared = p;
                    yield openAiChannel
                            ? new UpstreamRequest("/chat/completions", adaptForOpenAi(ch, p.chatBody()))
                            : new UpstreamRequest(
                                    "/messages",
                                    adaptForAnthropic(
                                            ch,
                                            ResponsesOverAnthropic.request(
                                                    p, upstreamModel, defaultMaxTokens, dropped)),
                                    anthropicHeaders());
                }
            };
        }

        /** Whether the channel serves the Responses API itself (then requests pass through). */
        private boolean nativeResponses(ChannelRoute ch) {
            return ch.protocol() == Protocol.OPENAI && ch.capabilities().responses();
        }

        private ResponsesOverChat.Prepared responsesFor(ChannelRoute ch) {
            if (!ch.id().equals(responsesChannel)) {
                throw new IllegalStateException("no Responses translation prepared for channel " + ch.id());
            }
            return responsesPrepared;
        }

        /** Whether a stream from this channel must end with the protocol's terminator to count as complete. */
        private boolean streamNeedsTerminator(ChannelRoute ch) {
            return endpoint != Endpoint.RESPONSES || !nativeResponses(ch);
        }

        private byte[] adaptForOpenAi(ChannelRoute ch, byte[] chatBody) {
            byte[] b = chatBody;
            if (ch.capabilities().degradesImages()) {
                b = ImageFallback.chat(b);
            }
            if (ch.capabilities().emulatesTools()) {
                ToolEmulation.Plan plan = ToolEmulation.prepare(b);
                if (plan.active()) {
                    emulatedChannel = ch.id();
                    emulationPlan = plan;
                    b = plan.body();
                }
            }
            return b;
        }

        /** A fresh collector for this channel's translation. */
        private DroppedFields droppedFor(ChannelRoute ch) {
            droppedChannel = ch.id();
            droppedFields = new DroppedFields();
            return droppedFields;
        }

        /** Names what the committed channel's translation dropped ({@value DroppedFields#HEADER}). */
        private void announceDropped(ChannelRoute ch) {
            if (ch != null && ch.id().equals(droppedChannel) && !droppedFields.isEmpty()) {
                exchange.getResponse().getHeaders().set(DroppedFields.HEADER, droppedFields.headerValue());
            }
        }

        private ToolEmulation.Plan emulationFor(ChannelRoute ch) {
            return ch.id().equals(emulatedChannel) ? emulationPlan : null;
        }

        private byte[] adaptForAnthropic(ChannelRoute ch, byte[] messagesBody) {
            return ch.capabilities().degradesImages() ? ImageFallback.messages(messagesBody) : messagesBody;
        }

        /** The client's {@code anthropic-version} / {@code anthropic-beta}, for Anthropic channels (validated). */
        private Map<String, String> anthropicHeaders() {
            HttpHeaders h = exchange.getRequest().getHeaders();
            Map<String, String> out = new HashMap<>(2);
            String version = h.getFirst("anthropic-version");
            if (version != null && ANTHROPIC_VERSION.matcher(version).matches()) {
                out.put("anthropic-version", version);
            }
            String beta = h.getFirst("anthropic-beta");
            if (beta != null && ANTHROPIC_BETA.matcher(beta).matches()) {
                out.put("anthropic-beta", beta);
            }
            return out;
        }

        Mono<Void> run(List<ChannelRoute> plan) {
            call = new RelayEngine.Call(meter.requestId, model, stream, plan, this::requestFor, pinned);
            ServerHttpResponse response = exchange.getResponse();
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
                            meter.rejected(r);
                            if (r.retryAfterSeconds() != null) {
                                response.getHeaders().set(HttpHeaders.RETRY_AFTER, r.retryAfterSeconds());
                            }
                            byte[] body = endpoint.api == ClientApi.ANTHROPIC
                                    ? ErrorShapes.toAnthropic(r.status(), r.body())
                                    : ErrorShapes.toOpenAi(r.status(), r.body());
                            return writeOut(response, HttpStatus.valueOf(r.status()), body);
                        }
                        Commit c = (Commit) s;
                        meter.committed(c);
                        announceDropped(c.channel());
                        Flux<RelaySignal> rest = all.skip(1);
                        return stream ? streamOut(response, c, rest) : bufferedOut(response, c, rest);
                    })
                    .then()
                    .doOnCancel(meter::clientAborted)
                    .doOnError(meter::failed)
                    .doFinally(sig -> meter.finish());
        }

        private StreamTranslator translatorFor(ChannelRoute ch) {
            String upstreamModel = ch.upstreamModel(model);
            boolean openAiChannel = ch.protocol() == Protocol.OPENAI;
            return switch (endpoint) {
                case CHAT ->
                    openAiChannel
                            ? new OpenAiChatStream(upstreamModel, model, !req.clientIncludesUsage())
                            : OpenAiOverAnthropic.stream(
                                    model, clock.instant().getEpochSecond(), req.clientIncludesUsage());
                case MESSAGES ->
                    openAiChannel
                            ? AnthropicOverOpenAi.stream(model, "msg_" + randomId())
                            : new AnthropicPassthroughStream(upstreamModel, model);
                case RESPONSES ->
                    nativeResponses(ch)
                            ? new OpenAiChatStream(upstreamModel, model, false)
                            : openAiChannel
                                    ? new ResponsesOverChatStream(model, responsesFor(ch), responseId, createdAt)
                                    : ResponsesOverAnthropic.stream(model, responsesFor(ch), responseId, createdAt);
                default -> new OpenAiChatStream(upstreamModel, model, false);
            };
        }

        private Mono<Void> streamOut(ServerHttpResponse response, Commit c, Flux<RelaySignal> rest) {
            response.setStatusCode(HttpStatus.valueOf(c.status()));
            HttpHeaders h = response.getHeaders();
            h.setContentType(MediaType.TEXT_EVENT_STREAM);
            h.setCacheControl("no-cache");
            h.set("X-Accel-Buffering", "no");
            StreamTranslator st = translatorFor(c.channel());
            ToolEmulation.Plan plan = emulationFor(c.channel());
            ChunkTransform pre = plan == null ? null : plan.stream();
            meter.sse = st;
            Flux<byte[]> out = rest.concatMapIterable(sig -> switch (sig) {
                        case Body b -> pre == null ? st.accept(b.bytes()) : feed(st, pre.accept(b.bytes()));
                        case MidStreamFailure f -> {
                            List<byte[]> tail = new ArrayList<>();
                            if (pre != null) {
                                tail.addAll(feed(st, pre.finish()));
                            }
                            tail.addAll(st.finish());
                            if (st.completed()) {
                                // the upstream's terminator ([DONE], message_stop) came before the failure: the
                                // client has the whole response, so it ends cleanly and is metered as complete
                                meter.failedAfterCompletion();
                                yield tail;
                            }
                            meter.midStreamFailure(f);
                            engine.midStreamFailed(call, f);
                            if (!st.erroredInBand()) {
                                tail.addAll(st.fail(
                                        f.timeout()
                                                ? "upstream stream stalled; the response is incomplete"
                                                : "upstream connection failed mid-stream; the response is incomplete",
                                        f.timeout() ? "upstream_timeout" : "upstream_error"));
                            }
                            yield tail;
                        }
                        default -> List.of();
                    })
                    .concatWith(Flux.defer(() -> {
                        if (meter.failedMidStream) {
                            return Flux.empty();
                        }
                        List<byte[]> tail = new ArrayList<>();
                        if (pre != null) {
                            tail.addAll(feed(st, pre.finish()));
                        }
                        tail.addAll(st.finish());
                        if (!st.completed() && streamNeedsTerminator(c.channel())) {
                            meter.endedWithoutDone();
                            if (!st.erroredInBand()) {
                                tail.addAll(st.fail(
                                        "upstream ended the stream without completing it; the response is incomplete",
                                        "upstream_incomplete"));
                            }
                        }
                        return Flux.fromIterable(tail);
                    }));
            if (debug.enabled()) {
                out = out.doOnNext(meter::captureStream);
            }
            return response.writeAndFlushWith(
                    out.map(bytes -> Mono.just(response.bufferFactory().wrap(bytes))));
        }

        private static List<byte[]> feed(StreamTranslator st, List<byte[]> events) {
            if (events.isEmpty()) {
                return List.of();
            }
            List<byte[]> out = new ArrayList<>();
            for (byte[] e : events) {
                out.addAll(st.accept(e));
            }
            return out;
        }

        private Mono<Void> bufferedOut(ServerHttpResponse response, Commit c, Flux<RelaySignal> rest) {
            return rest.next().flatMap(sig -> {
                byte[] full = sig instanceof Body b ? b.bytes() : new byte[0];
                ChannelRoute ch = c.channel();
                String upstreamModel = ch.upstreamModel(model);
                byte[] out;
                try {
                    out = translateBody(ch, upstreamModel, full);
                } catch (RuntimeException ex) {
                    meter.untranslatable();
                    String message = "the upstream's response could not be read ("
                            + ex.getClass().getSimpleName()
                            + "); no retry was made because the upstream already answered";
                    byte[] err = endpoint.api == ClientApi.ANTHROPIC
                            ? AnthropicErrors.body("api_error", message)
                            : OpenAiErrors.body(message, "server_error", null, "upstream_response_invalid");
                    return writeOut(response, HttpStatus.BAD_GATEWAY, err);
                }
                String ct = c.upstreamHeaders().get("content-type");
                boolean translated = (endpoint == Endpoint.CHAT || endpoint == Endpoint.MESSAGES)
                                && (ch.protocol() == Protocol.OPENAI) != (endpoint == Endpoint.CHAT)
                        || endpoint == Endpoint.RESPONSES && !nativeResponses(ch);
                response.getHeaders()
                        .set(
                                HttpHeaders.CONTENT_TYPE,
                                ct != null && !translated ? ct : MediaType.APPLICATION_JSON_VALUE);
                return writeOut(response, HttpStatus.valueOf(c.status()), out);
            });
        }

        private byte[] translateBody(ChannelRoute ch, String upstreamModel, byte[] full) {
            ToolEmulation.Plan plan = emulationFor(ch);
            boolean openAiChannel = ch.protocol() == Protocol.OPENAI;
            switch (endpoint) {
                case CHAT -> {
                    if (openAiChannel) {
                        byte[] b = plan == null ? full : plan.response(full);
                        meter.usage = UsageReader.fromBody(b, 0, b.length);
                        return renameModel(b, upstreamModel, model);
                    }
                    Translated t = OpenAiOverAnthropic.response(
                            full, model, clock.instant().getEpochSecond());
                    meter.usage = t.usage();
                    return t.body();
                }
                case MESSAGES -> {
                    if (openAiChannel) {
                        Translated t = AnthropicOverOpenAi.response(plan == null ? full : plan.response(full), model);
                        meter.usage = t.usage();
                        return t.body();
                    }
                    meter.usage = UsageReader.fromBody(full, 0, full.length);
                    return renameModel(full, upstreamModel, model);
                }
                case COUNT_TOKENS -> {
                    meter.usage = TokenUsage.NONE;
                    return full;
                }
                case RESPONSES -> {
                    if (nativeResponses(ch)) {
                        meter.usage = UsageReader.fromBody(full, 0, full.length);
                        return renameModel(full, upstreamModel, model);
                    }
                    Translated t = openAiChannel
                            ? ResponsesOverChat.response(
                                    plan == null ? full : plan.response(full),
                                    model,
                                    responsesFor(ch),
                                    responseId,
                                    createdAt)
                            : ResponsesOverAnthropic.response(full, model, responsesFor(ch), responseId, createdAt);
                    meter.usage = t.usage();
                    return t.body();
                }
                default -> {
                    meter.usage = UsageReader.fromBody(full, 0, full.length);
                    return renameModel(full, upstreamModel, model);
                }
            }
        }

        /** {@code count_tokens} without an Anthropic channel: a real BPE tokenizer over the request as it would be sent. */
        Mono<Void> countLocally() {
            // a whole agent context can be hundreds of KB: tokenize it off the event loop
            return Mono.fromCallable(() -> LocalTokenCounter.countMessagesRequest(req.body(), estimator))
                    .subscribeOn(Schedulers.boundedElastic())
                    .flatMap(tokens -> {
                        meter.status = 200;
                        meter.usage = TokenUsage.NONE;
                        exchange.getResponse().getHeaders().set("x-relay-token-count", "tokenizer");
                        return writeOut(
                                exchange.getResponse(),
                                HttpStatus.OK,
                                ("{\"input_tokens\":" + tokens + "}")
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    })
                    .onErrorResume(BadRequestException.class, ex -> {
                        meter.status = 400;
                        meter.outcome = Outcome.FAILED;
                        return error(
                                exchange,
                                ClientApi.ANTHROPIC,
                                HttpStatus.BAD_REQUEST,
                                ex.getMessage(),
                                "invalid_request_error",
                                ex.param(),
                                "invalid_request");
                    })
                    .doFinally(sig -> meter.finish());
        }

        private Mono<Void> writeOut(ServerHttpResponse response, HttpStatus status, byte[] body) {
            meter.responseBody = body;
            return write(response, status, body);
        }
    }

    private static String randomId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
    }

    static byte[] renameModel(byte[] body, String upstreamModel, String publicModel) {
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

    private Mono<Void> models(
            ServerWebExchange exchange,
            ClientApi api,
            RoutingSnapshot snapshot,
            ClientKeyEntry key,
            String id,
            String pinned) {
        List<String> models;
        if (pinned == null) {
            models = snapshot.modelsFor(key.groupId());
        } else {
            ChannelRoute pin = snapshot.channel(pinned).orElse(null);
            if (pin == null) {
                return pinnedChannelNotFound(exchange, api, pinned);
            }
            if (!pin.servesGroup(key.groupId())) {
                return pinnedChannelNotAllowed(exchange, api, pinned);
            }
            models = snapshot.modelsFor(key.groupId(), pin);
        }
        if (id != null) {
            if (!models.contains(id)) {
                return error(
                        exchange,
                        api,
                        HttpStatus.NOT_FOUND,
                        "the model '" + id + "' does not exist",
                        "invalid_request_error",
                        "model",
                        "model_not_found");
            }
            ObjectNode one = api == ClientApi.ANTHROPIC ? anthropicModel(id) : openAiModel(id);
            return write(exchange.getResponse(), HttpStatus.OK, JSON.writeValueAsBytes(one));
        }
        ObjectNode root = JSON.createObjectNode();
        if (api == ClientApi.ANTHROPIC) {
            ArrayNode data = root.putArray("data");
            models.forEach(m -> data.add(anthropicModel(m)));
            root.put("has_more", false);
            root.put("first_id", models.isEmpty() ? null : models.getFirst());
            root.put("last_id", models.isEmpty() ? null : models.getLast());
        } else {
            root.put("object", "list");
            ArrayNode data = root.putArray("data");
            models.forEach(m -> data.add(openAiModel(m)));
        }
        return write(exchange.getResponse(), HttpStatus.OK, JSON.writeValueAsBytes(root));
    }

    private static ObjectNode openAiModel(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("object", "model");
        n.put("created", 0);
        n.put("owned_by", "relay");
        return n;
    }

    private static ObjectNode anthropicModel(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "model");
        n.put("id", id);
        n.put("display_name", id);
        n.put("created_at", "1970-01-01T00:00:00Z");
        n.put("lifecycle", "active"); // required by the official SDKs' ModelInfo (anthropic-java 3.x)
        return n;
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
            long millis = java.time.Duration.between(clock.instant(), e.until()).toMillis();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (millis + 999) / 1000)));
        }
        String message = "This key is out of budget" + (e.reason() == null ? "" : " (" + e.reason() + ")") + "; "
                + (e.until() == null ? "access returns after a top-up" : "access returns at " + e.until());
        return error(exchange, api, HttpStatus.TOO_MANY_REQUESTS, message, "insufficient_quota", null, "key_exhausted");
    }

    private Mono<Void> pinnedChannelNotFound(ServerWebExchange exchange, ClientApi api, String channelId) {
        return error(
                exchange,
                api,
                HttpStatus.NOT_FOUND,
                "no channel '" + channelId + "' (" + RequestPurpose.CHANNEL_HEADER + ") is routed by this gateway",
                "invalid_request_error",
                null,
                "channel_not_found");
    }

    private Mono<Void> pinnedChannelNotAllowed(ServerWebExchange exchange, ClientApi api, String channelId) {
        return error(
                exchange,
                api,
                HttpStatus.FORBIDDEN,
                "the pinned channel '" + channelId + "' is restricted to other groups than this API key's",
                "invalid_request_error",
                null,
                "channel_not_allowed");
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
        return key != null && key.authenticatesAt(clock.instant()) ? key : null;
    }

    private static String requestId(ServerHttpRequest request) {
        String given = request.getHeaders().getFirst(REQUEST_ID_HEADER);
        if (given != null && given.length() <= 64 && given.matches("[A-Za-z0-9._:-]+")) {
            return given;
        }
        return "req_" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
    }

    private Mono<Void> tooLarge(ServerWebExchange exchange, ClientApi api) {
        return error(
                exchange,
                api,
                HttpStatus.CONTENT_TOO_LARGE,
                "request body exceeds " + maxBodyBytes + " bytes",
                "invalid_request_error",
                null,
                "request_too_large");
    }

    private Mono<Void> afterBody(ServerWebExchange exchange, java.util.function.Supplier<Mono<Void>> answer) {
        return EarlyAnswer.afterBody(exchange, drainLimit(), answer);
    }

    /** The most request body read (and discarded) to keep a connection usable after an early answer. */
    private long drainLimit() {
        return Math.max(2L * maxBodyBytes, 1L << 20);
    }

    /**
     * Answers a request the edge refuses itself (nothing was sent upstream), in the calling API's error shape; counted
     * in {@code relay_gateway_rejected_requests_total} and, unless the request is metered by a {@link Relay}, kept in
     * the debug ring so an operator can see why a client was refused.
     */
    private Mono<Void> error(
            ServerWebExchange exchange,
            ClientApi api,
            HttpStatus status,
            String message,
            String type,
            String param,
            String code) {
        byte[] body = api == ClientApi.ANTHROPIC
                ? AnthropicErrors.body(AnthropicErrors.typeFor(status.value()), message)
                : OpenAiErrors.body(message, type, param, code);
        engine.metrics().rejected(api == ClientApi.ANTHROPIC ? "anthropic" : "openai", status.value(), code);
        if (debug.enabled() && exchange.getAttribute(METERED) == null) {
            ServerHttpRequest request = exchange.getRequest();
            ClientKeyEntry key = exchange.getAttribute(CLIENT_KEY);
            byte[] requestBody = exchange.getAttribute(REQUEST_BODY);
            int max = debug.maxBodyBytes();
            debug.record(new DebugRecorder.Entry(
                    clock.instant(),
                    exchange.getResponse().getHeaders().getFirst(REQUEST_ID_HEADER),
                    api == ClientApi.ANTHROPIC ? "anthropic" : "openai",
                    request.getMethod().name(),
                    request.getPath().value(),
                    request.getHeaders(),
                    key == null ? null : key.id(),
                    null,
                    null,
                    List.of(),
                    false,
                    status.value(),
                    "rejected:" + code,
                    0,
                    requestBody != null && requestBody.length <= max ? requestBody : null,
                    requestBody == null ? 0 : requestBody.length,
                    body,
                    body.length));
        }
        return write(exchange.getResponse(), status, body);
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

    /** Per-request metering state; emits exactly one usage event, one metrics sample and one debug entry. */
    private final class Meter {
        final String requestId;
        final ClientKeyEntry key;
        final Endpoint endpoint;
        final String model;
        final boolean streaming;
        final long start;
        final ServerHttpRequest request;
        final byte[] requestBody;
        final boolean pinned;
        ChannelRoute channel;
        List<String> tried = List.of();
        int attempts;
        int status;
        Outcome outcome = Outcome.OK;
        Long ttft;
        TokenUsage usage;
        StreamTranslator sse;
        boolean failedMidStream;
        byte[] responseBody;
        ByteArrayOutputStream streamCapture;
        private boolean finished;

        Meter(
                String requestId,
                ClientKeyEntry key,
                Endpoint endpoint,
                String model,
                boolean stream,
                long start,
                ServerHttpRequest request,
                byte[] requestBody,
                boolean pinned) {
            this.requestId = requestId;
            this.pinned = pinned;
            this.key = key;
            this.endpoint = endpoint;
            this.model = model;
            this.streaming = stream;
            this.start = start;
            this.request = request;
            this.requestBody = requestBody;
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

        void captureStream(byte[] event) {
            if (streamCapture == null) {
                streamCapture = new ByteArrayOutputStream();
            }
            int room = debug.maxBodyBytes() - streamCapture.size();
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
                u = estimator.estimate(sse.deliveredText());
            }
            if (u == null) {
                u = TokenUsage.NONE;
            }
            long latency = System.nanoTime() - start;
            String channelId = channel == null ? null : channel.id();
            String outcomeName = outcome.name().toLowerCase(Locale.ROOT);
            engine.metrics().request(model, channelId, status, outcomeName, latency, streaming ? ttft : null);
            engine.metrics().tokens(model, u.promptTokens(), u.completionTokens());
            UsageRecorded event = new UsageRecorded(
                    requestId,
                    edgeId,
                    pinned
                            ? purposes.ofPinned(request.getHeaders().getFirst(RequestPurpose.PURPOSE_HEADER))
                            : purposes.of(
                                    request.getHeaders().getFirst(RequestPurpose.PURPOSE_HEADER),
                                    request.getHeaders().getFirst(RequestPurpose.TOKEN_HEADER)),
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
            EdgeApiWebFilter.this.usage.record(event);
            if (debug.enabled()) {
                byte[] response = streamCapture != null ? streamCapture.toByteArray() : responseBody;
                int max = debug.maxBodyBytes();
                debug.record(new DebugRecorder.Entry(
                        clock.instant(),
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
                        response == null ? 0 : response.length));
            }
        }
    }
}
