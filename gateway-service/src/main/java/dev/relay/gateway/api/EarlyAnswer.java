package dev.relay.gateway.api;

import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * An answer decided before the request body was read (401, 404, 405, a declared length over the limit). The body is
 * read and discarded first, so that the connection stays usable: answering with the body left unread made the next
 * request on a kept-alive connection hang, and closing right away instead makes the client's still-sending socket
 * reset, which can lose the answer. A body beyond {@code drainLimit} is not waited for: the connection is closed after
 * the answer ({@code Connection: close}).
 */
public final class EarlyAnswer {

    private EarlyAnswer() {}

    public static Mono<Void> afterBody(ServerWebExchange exchange, long drainLimit, Supplier<Mono<Void>> answer) {
        ServerHttpRequest request = exchange.getRequest();
        long declared = request.getHeaders().getContentLength();
        if (declared <= 0 && !request.getHeaders().containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            return answer.get();
        }
        if (declared > drainLimit) {
            exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
            return answer.get();
        }
        long[] seen = {0};
        return request.getBody()
                .doOnNext(b -> {
                    seen[0] += b.readableByteCount();
                    DataBufferUtils.release(b);
                })
                .takeUntil(b -> seen[0] > drainLimit)
                .then()
                .onErrorResume(e -> {
                    seen[0] = Long.MAX_VALUE;
                    return Mono.empty();
                })
                .then(Mono.defer(() -> {
                    if (seen[0] > drainLimit) {
                        exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
                    }
                    return answer.get();
                }));
    }
}
