package dev.relay.simulator.recorder;

import dev.relay.simulator.SimulatorProperties;
import dev.relay.simulator.scenario.ApiError;
import dev.relay.simulator.scenario.ApiFlavor;
import dev.relay.simulator.scenario.SimExchange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Records every {@code /v1/...} request (also under a vendor base path, recorded with the path as received): reads the
 * body once (handlers take it from the exchange), records it, and follows the exchange to its end to note the status
 * and whether the client cancelled.
 */
@Component
@Order(RecorderWebFilter.ORDER)
public class RecorderWebFilter implements WebFilter {

    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] TOO_LARGE = new byte[0];

    private final RequestRecorder recorder;
    private final int maxBodyBytes;

    public RecorderWebFilter(RequestRecorder recorder, SimulatorProperties properties) {
        this.recorder = recorder;
        this.maxBodyBytes = properties.maxBodyBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().value();
        if (!path.startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        return DataBufferUtils.join(request.getBody(), maxBodyBytes)
                .map(RecorderWebFilter::drain)
                .onErrorResume(DataBufferLimitException.class, e -> Mono.just(TOO_LARGE))
                .defaultIfEmpty(EMPTY)
                .flatMap(body -> handle(exchange, chain, path, body));
    }

    private Mono<Void> handle(ServerWebExchange exchange, WebFilterChain chain, String path, byte[] body) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        RecordedRequest recorded = recorder.record(
                request.getMethod().name(),
                SimExchange.originalPath(exchange),
                request.getURI().getRawQuery(),
                copy(headers),
                body,
                headers.getFirst("x-sim-scenario-id"));
        ServerHttpResponse response = exchange.getResponse();
        String requestId = "req_sim_" + recorded.sequence();
        response.getHeaders().set("x-request-id", requestId);
        if (path.startsWith("/v1/messages")) {
            response.getHeaders().set("request-id", requestId);
        }
        response.beforeCommit(() -> {
            HttpStatusCode status = response.getStatusCode();
            recorded.status(status == null ? 200 : status.value());
            return Mono.empty();
        });
        Mono<Void> handled;
        if (body == TOO_LARGE) {
            handled = ApiError.tooLarge(ApiFlavor.of(path, headers)).write(response);
        } else {
            SimExchange.putBody(exchange, body);
            exchange.getAttributes().put(SimExchange.ON_BODY_CANCEL, (Runnable) recorded::cancelled);
            handled = chain.filter(exchange);
        }
        return handled.doOnSuccess(done -> recorded.completed())
                .doOnError(recorded::failed)
                .doOnCancel(recorded::cancelled);
    }

    private static byte[] drain(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static Map<String, List<String>> copy(HttpHeaders headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.merge(name.toLowerCase(Locale.ROOT), List.copyOf(values), (a, b) -> {
            List<String> merged = new ArrayList<>(a);
            merged.addAll(b);
            return List.copyOf(merged);
        }));
        return copy;
    }
}
