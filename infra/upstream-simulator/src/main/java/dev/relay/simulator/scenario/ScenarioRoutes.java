package dev.relay.simulator.scenario;

import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** Unknown {@code /v1/...} paths get a 404 in the provider's shape rather than Spring's. */
@Configuration(proxyBeanMethods = false)
class ScenarioRoutes {

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    RouterFunction<ServerResponse> unknownApiRoutes() {
        return RouterFunctions.route(
                path("/v1/**"),
                request -> ApiError.notFound(
                                SimExchange.flavor(request),
                                request.method().name(),
                                SimExchange.originalPath(request.exchange()))
                        .toResponse());
    }
}
