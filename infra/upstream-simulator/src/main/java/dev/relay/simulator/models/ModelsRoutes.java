package dev.relay.simulator.models;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

@Configuration(proxyBeanMethods = false)
class ModelsRoutes {

    @Bean
    RouterFunction<ServerResponse> modelsRouter(ModelsHandler models) {
        return RouterFunctions.route()
                .GET("/v1/models", models::list)
                .GET("/v1/models/{*id}", models::get)
                .build();
    }
}
