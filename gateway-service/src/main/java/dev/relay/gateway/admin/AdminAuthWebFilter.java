package dev.relay.gateway.admin;

import dev.relay.gateway.api.EarlyAnswer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Guards {@code /admin/**}: 503 when no admin token is configured, 401 without the right token. Other paths pass
 * untouched.
 */
public class AdminAuthWebFilter implements WebFilter, Ordered {

    /** Early, but after the framework's observation filters. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    private static final Logger log = LoggerFactory.getLogger(AdminAuthWebFilter.class);
    static final String ADMIN_TOKEN_HEADER = "x-admin-token";

    private final AdminAuthenticator authenticator;

    public AdminAuthWebFilter(AdminAuthenticator authenticator) {
        this.authenticator = authenticator;
        if (!authenticator.configured()) {
            log.warn("relay.gateway.admin-token (RELAY_ADMIN_TOKEN) is not set: the admin API refuses every call");
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!AdminPaths.isAdmin(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        HttpHeaders h = exchange.getRequest().getHeaders();
        return switch (authenticator.check(h.getFirst(HttpHeaders.AUTHORIZATION), h.getFirst(ADMIN_TOKEN_HEADER))) {
            case ALLOWED -> chain.filter(exchange);
            case NOT_CONFIGURED ->
                write(
                        exchange,
                        new AdminError(
                                HttpStatus.SERVICE_UNAVAILABLE,
                                "service_unavailable_error",
                                "admin_api_disabled",
                                null,
                                "the admin API is disabled: no admin token is configured"
                                        + " (set RELAY_ADMIN_TOKEN / relay.gateway.admin-token)"));
            case MISSING ->
                unauthorized(
                        exchange,
                        "missing_token",
                        "admin token required: send Authorization: Bearer <token> or x-admin-token");
            case INVALID -> unauthorized(exchange, "invalid_token", "the admin token is not valid");
        };
    }

    private Mono<Void> unauthorized(ServerWebExchange exchange, String code, String message) {
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"relay-admin\"");
        return write(exchange, new AdminError(HttpStatus.UNAUTHORIZED, "authentication_error", code, null, message));
    }

    /** Answers before the body was read: drains a small body first so a kept-alive connection stays usable. */
    static Mono<Void> write(ServerWebExchange exchange, AdminError error) {
        return EarlyAnswer.afterBody(exchange, 1 << 20, () -> write(exchange.getResponse(), error));
    }

    static Mono<Void> write(ServerHttpResponse response, AdminError error) {
        response.setStatusCode(error.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = AdminJson.write(error.body());
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
