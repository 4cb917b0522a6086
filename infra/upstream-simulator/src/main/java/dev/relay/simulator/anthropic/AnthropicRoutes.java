package dev.relay.simulator.anthropic;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

@Configuration(proxyBeanMethods = false)
class AnthropicRoutes {

    @Bean
    RouterFunction<ServerResponse> anthropicRouter(MessagesHandler messages) {
        return RouterFunctions.route()
                .POST("/v1/messages", messages::handle)
                .POST("/v1/messages/count_tokens", messages::countTokens)
                .build();
    }
}
