package dev.relay.simulator.vendor;

import dev.relay.simulator.scenario.SimExchange;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Serves the {@code /v1} APIs under vendors' base paths too, by rewriting the path to {@code /v1/...} before the
 * recorder, the scenario filter and the routes see it: {@code /compatible-mode/v1/...} (Qwen / DashScope),
 * {@code /api/paas/v4/...} (GLM / Zhipu), {@code /anthropic/v1/...} (the Anthropic protocol as DeepSeek or Kimi serve
 * it). Every API works under every base path; the path as received is kept as {@link SimExchange#ORIGINAL_PATH} (the
 * recorder records it). The query string is kept.
 */
@Component
@Order(VendorBasePathWebFilter.ORDER)
public class VendorBasePathWebFilter implements WebFilter {

    /** Before the recorder ({@code HIGHEST_PRECEDENCE + 100}). */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

    /** The base paths served besides {@code /v1}, each with its trailing slash. */
    public static final List<String> BASE_PATHS = List.of("/compatible-mode/v1/", "/api/paas/v4/", "/anthropic/v1/");

    private static final String V1 = "/v1/";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (path.startsWith(V1)) {
            return chain.filter(exchange);
        }
        for (String base : BASE_PATHS) {
            if (path.startsWith(base)) {
                String rewritten = V1 + path.substring(base.length());
                exchange.getAttributes().put(SimExchange.ORIGINAL_PATH, path);
                return chain.filter(exchange.mutate()
                        .request(request -> request.path(rewritten))
                        .build());
            }
        }
        return chain.filter(exchange);
    }
}
