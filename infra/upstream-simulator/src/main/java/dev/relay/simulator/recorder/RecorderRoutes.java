package dev.relay.simulator.recorder;

import dev.relay.simulator.scenario.FailFirstCounters;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The recorder API: {@code GET /_sim/requests?limit=N&scenario=ID}, {@code GET /_sim/requests/count?scenario=ID},
 * {@code DELETE /_sim/requests}, and {@code POST /_sim/reset} (recorder and fail-first counters).
 */
@Configuration(proxyBeanMethods = false)
class RecorderRoutes {

    @Bean
    RouterFunction<ServerResponse> recorderRouter(RequestRecorder recorder, FailFirstCounters failFirst) {
        return RouterFunctions.route()
                .GET("/_sim/requests", request -> list(recorder, request))
                .GET("/_sim/requests/count", request -> count(recorder, request))
                .DELETE("/_sim/requests", request -> ServerResponse.ok().bodyValue(Map.of("cleared", recorder.clear())))
                .POST("/_sim/reset", request -> {
                    failFirst.clear();
                    return ServerResponse.ok().bodyValue(Map.of("cleared", recorder.clear()));
                })
                .build();
    }

    private static Mono<ServerResponse> list(RequestRecorder recorder, ServerRequest request) {
        int limit;
        try {
            limit = request.queryParam("limit").map(Integer::parseInt).orElse(Integer.MAX_VALUE);
        } catch (NumberFormatException e) {
            return ServerResponse.badRequest().bodyValue(Map.of("error", "limit must be an integer"));
        }
        List<RecordedRequest.View> views = recorder
                .recent(request.queryParam("scenario").orElse(null), limit)
                .stream()
                .map(RecordedRequest::view)
                .toList();
        return ServerResponse.ok().bodyValue(views);
    }

    private static Mono<ServerResponse> count(RequestRecorder recorder, ServerRequest request) {
        return ServerResponse.ok()
                .bodyValue(Map.of(
                        "count",
                        recorder.count(request.queryParam("scenario").orElse(null)),
                        "total",
                        recorder.total()));
    }
}
