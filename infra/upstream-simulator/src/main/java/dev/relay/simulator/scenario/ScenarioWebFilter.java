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
 * Applies everything of a scenario that happens before the handler: latency, authentication, error statuses, hangs and
 * fail-first. Runs after the recorder, so rejected and hanging requests are recorded too.
 */
@Component
@Order(ScenarioWebFilter.ORDER)
public class ScenarioWebFilter implements WebFilter {

    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 200;

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
        ApiFlavor flavor = ApiFlavor.of(path, headers);
        Scenario scenario = resolver.resolve(headers, flavor);
        exchange.getAttributes().put(SimExchange.FLAVOR, flavor);
        exchange.getAttributes().put(SimExchange.SCENARIO, scenario);
        Mono<Void> decision = Mono.defer(() -> decide(exchange, chain, flavor, scenario));
        return scenario.latencyMs() > 0
                ? Mono.delay(Duration.ofMillis(scenario.latencyMs())).then(decision)
                : decision;
    }

    private Mono<Void> decide(ServerWebExchange exchange, WebFilterChain chain, ApiFlavor flavor, Scenario scenario) {
        ServerHttpResponse response = exchange.getResponse();
        if (!resolver.accepts(scenario.apiKey())) {
            return ApiError.invalidKey(flavor, scenario.apiKey()).write(response);
        }
        switch (scenario.behavior()) {
            case RATE_LIMIT -> {
                return ApiError.rateLimited(flavor, scenario.retryAfterSeconds())
                        .write(response);
            }
            case QUOTA -> {
                return ApiError.quotaExceeded(flavor).write(response);
            }
            case STATUS -> {
                return ApiError.forStatus(flavor, scenario.status(), scenario.retryAfterSeconds(), scenario.apiKey())
                        .write(response);
            }
            case HANG -> {
                return Mono.never();
            }
            default -> {}
        }
        if (scenario.failFirst() > 0 && failFirst.shouldFail(scenario)) {
            return ApiError.forStatus(flavor, scenario.failStatus(), scenario.retryAfterSeconds(), scenario.apiKey())
                    .write(response);
        }
        return chain.filter(exchange);
    }
}
