package dev.relay.simulator.openai;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

@Configuration(proxyBeanMethods = false)
class OpenAiRoutes {

    @Bean
    RouterFunction<ServerResponse> openAiRouter(
            ChatCompletionsHandler chat, EmbeddingsHandler embeddings, ResponsesHandler responses) {
        return RouterFunctions.route()
                .POST("/v1/chat/completions", chat::handle)
                .POST("/v1/embeddings", embeddings::handle)
                .POST("/v1/responses", responses::handle)
                .build();
    }
}
