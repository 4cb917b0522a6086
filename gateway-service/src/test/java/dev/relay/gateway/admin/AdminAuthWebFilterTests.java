package dev.relay.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

class AdminAuthWebFilterTests {

    private final AtomicBoolean passed = new AtomicBoolean();
    private final WebFilterChain chain = exchange -> {
        passed.set(true);
        return Mono.empty();
    };

    @Test
    void answers503WithAClearMessageWhenNoTokenIsConfigured() {
        MockServerWebExchange exchange = exchange(MockServerHttpRequest.get("/admin/v1/channels")
                .header("Authorization", "Bearer x")
                .build());

        new AdminAuthWebFilter(new AdminAuthenticator(null))
                .filter(exchange, chain)
                .block();

        assertThat(passed).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(exchange.getResponse().getBodyAsString().block())
                .contains("\"code\":\"admin_api_disabled\"")
                .contains("RELAY_ADMIN_TOKEN");
    }

    @Test
    void answers401InTheErrorShapeWithoutAToken() {
        MockServerWebExchange exchange =
                exchange(MockServerHttpRequest.get("/admin/v1/keys").build());

        filter().filter(exchange, chain).block();

        assertThat(passed).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(exchange.getResponse().getHeaders().getFirst("WWW-Authenticate"))
                .startsWith("Bearer");
        assertThat(exchange.getResponse().getBodyAsString().block())
                .isEqualTo("{\"error\":{\"message\":\"admin token required: send Authorization: Bearer <token> or"
                        + " x-admin-token\",\"type\":\"authentication_error\",\"code\":\"missing_token\","
                        + "\"param\":null}}");
    }

    @Test
    void answers401ForAWrongTokenWithoutEchoingIt() {
        MockServerWebExchange exchange = exchange(MockServerHttpRequest.get("/admin/v1/keys")
                .header("x-admin-token", "guess-123")
                .build());

        filter().filter(exchange, chain).block();

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(exchange.getResponse().getBodyAsString().block())
                .contains("invalid_token")
                .doesNotContain("guess-123");
    }

    @Test
    void letsTheRightTokenThrough() {
        MockServerWebExchange exchange = exchange(MockServerHttpRequest.get("/admin/v1/keys")
                .header("Authorization", "Bearer tok")
                .build());

        filter().filter(exchange, chain).block();

        assertThat(passed).isTrue();
    }

    @Test
    void leavesNonAdminPathsAlone() {
        MockServerWebExchange exchange =
                exchange(MockServerHttpRequest.get("/v1/models").build());

        new AdminAuthWebFilter(new AdminAuthenticator(null))
                .filter(exchange, chain)
                .block();

        assertThat(passed).isTrue();
        assertThat(exchange.getResponse().getStatusCode()).isNull();
    }

    private static AdminAuthWebFilter filter() {
        return new AdminAuthWebFilter(new AdminAuthenticator("tok"));
    }

    private static MockServerWebExchange exchange(MockServerHttpRequest request) {
        return MockServerWebExchange.from(request);
    }
}
