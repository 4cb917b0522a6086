package dev.relay.simulator.scenario;

import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Applies everything of a scenario that happens before the handler: latency, the protocol restriction, authentication,
 * error statuses and non-standard error bodies, hangs, fail-first and ok-then. Runs after the recorder, so rejected and
 * hanging requests are recorded too.
 */
@Component
@Order(ScenarioWebFilter.ORDER)
public class ScenarioWebFilter implements WebFilter {

    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 200;

    private static final String MODELS_PATH = "/v1/models";

    private final ScenarioResolver resolver;
    private final FailFirstCounters failFirst;

    public ScenarioWebFilter(ScenarioResolver resolver, FailFirstCounters failFirst) {
        this.resolver = resolver;
        this.failFirst = failFirst;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (!path.startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        HttpHeaders headers = exchange.getRequest().getHeaders();
        ApiFlavor detected = ApiFlavor.of(path, headers);
        Scenario scenario = resolver.resolve(headers, detected);
        ApiFlavor flavor = scenario.protocol() != null && path.startsWith(MODELS_PATH)
                // a one-protocol server tells an Anthropic listing by anthropic-version only, not by x-api-key
                ? (headers.getFirst("anthropic-version") != null ? ApiFlavor.ANTHROPIC : ApiFlavor.OPENAI)
                : detected;
        exchange.getAttributes().put(SimExchange.FLAVOR, flavor);
        exchange.getAttributes().put(SimExchange.SCENARIO, scenario);
        Mono<Void> decision = Mono.defer(() -> decide(exchange, chain, flavor, scenario));
        return scenario.latencyMs() > 0
                ? Mono.delay(Duration.ofMillis(scenario.latencyMs())).then(decision)
                : decision;
    }

    private Mono<Void> decide(ServerWebExchange exchange, WebFilterChain chain, ApiFlavor flavor, Scenario scenario) {
        ServerHttpResponse response = exchange.getResponse();
        if (!scenario.serves(flavor)) {
            // a server of the other protocol only: it has no such route
            return ApiError.notFound(
                            scenario.protocol(),
                            exchange.getRequest().getMethod().name(),
                            SimExchange.originalPath(exchange))
                    .write(response);
        }
        if (!resolver.accepts(scenario.apiKey())) {
            return ApiError.invalidKey(flavor, scenario.apiKey()).write(response);
        }
        boolean models = exchange.getRequest().getPath().value().startsWith(MODELS_PATH);
        Mono<Void> answered;
        if (scenario.is(Behavior.OK_THEN)) {
            Behavior.Spec failure = scenario.failure();
            answered = failFirst.okRunIsOver(scenario)
                    ? answerUpFront(failure.behavior(), failure.status(), response, flavor, scenario, models)
                    : null;
        } else {
            answered = answerUpFront(scenario.behavior(), scenario.status(), response, flavor, scenario, models);
        }
        if (answered != null) {
            return answered;
        }
        if (scenario.failFirst() > 0 && failFirst.shouldFail(scenario)) {
            return ApiError.forStatus(flavor, scenario.failStatus(), scenario.retryAfterSeconds(), scenario.apiKey())
                    .write(response);
        }
        return chain.filter(exchange);
    }

    /**
     * The answer of a behaviour that {@link Behavior#answersUpFront() answers before the handler}, or null to go on.
     * {@code warmup}, {@code empty} and {@code text} leave {@code /v1/models} alone.
     */
    private static Mono<Void> answerUpFront(
            Behavior behavior,
            int status,
            ServerHttpResponse response,
            ApiFlavor flavor,
            Scenario scenario,
            boolean models) {
        return switch (behavior) {
            case RATE_LIMIT ->
                ApiError.rateLimited(flavor, scenario.retryAfterSeconds()).write(response);
            case QUOTA -> ApiError.quotaExceeded(flavor).write(response);
            case STATUS ->
                ApiError.forStatus(flavor, status, scenario.retryAfterSeconds(), scenario.apiKey())
                        .write(response);
            case HANG -> Mono.never();
            case ERROR_STRING -> NonStandardReply.errorString(status).write(response);
            case HTML -> NonStandardReply.cdnHtml(status).write(response);
            case WARMUP ->
                models
                        ? null
                        : ApiError.notYetPermitted(flavor, status, scenario.retryAfterSeconds(), scenario.apiKey())
                                .write(response);
            case EMPTY -> models ? null : NonStandardReply.empty(status).write(response);
            case TEXT -> models ? null : NonStandardReply.plainText(status).write(response);
            default -> null;
        };
    }
}
