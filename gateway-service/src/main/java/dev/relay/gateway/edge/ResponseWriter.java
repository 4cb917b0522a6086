package dev.relay.gateway.edge;

import dev.relay.gateway.api.AnthropicErrors;
import dev.relay.gateway.api.ErrorShapes;
import dev.relay.gateway.api.OpenAiErrors;
import dev.relay.gateway.edge.pairs.Translator;
import dev.relay.gateway.introspect.DebugRecorder;
import dev.relay.gateway.proxy.RelayEngine;
import dev.relay.gateway.proxy.RelaySignal;
import dev.relay.gateway.proxy.RelaySignal.Body;
import dev.relay.gateway.proxy.RelaySignal.Commit;
import dev.relay.gateway.proxy.RelaySignal.MidStreamFailure;
import dev.relay.gateway.proxy.RelaySignal.Reject;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.Translated;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes what the client gets: the edge's own refusals in the calling API's error shape, an upstream's refusal
 * reshaped, a buffered answer, and a stream — ending it explicitly as an error when the upstream fails mid-way.
 */
final class ResponseWriter {

    /** Exchange attributes: set once a request is metered; the authenticated key; the read body (for the ring). */
    static final String METERED = ResponseWriter.class.getName() + ".metered";

    static final String CLIENT_KEY = ResponseWriter.class.getName() + ".clientKey";
    static final String REQUEST_BODY = ResponseWriter.class.getName() + ".requestBody";

    private final RelayEngine engine;
    private final DebugRecorder debug;
    private final Clock clock;

    ResponseWriter(RelayEngine engine, DebugRecorder debug, Clock clock) {
        this.engine = engine;
        this.debug = debug;
        this.clock = clock;
    }

    /**
     * Answers a request the edge refuses itself (nothing was sent upstream), in the calling API's error shape; counted
     * in {@code relay_gateway_rejected_requests_total} and, unless the request is metered, kept in the debug ring so an
     * operator can see why a client was refused.
     */
    Mono<Void> refuse(ServerWebExchange exchange, ClientApi api, Refusal r) {
        byte[] body = api == ClientApi.ANTHROPIC
                ? AnthropicErrors.body(AnthropicErrors.typeFor(r.status().value()), r.message())
                : OpenAiErrors.body(r.message(), r.type(), r.param(), r.code());
        engine.metrics().rejected(api.label(), r.status().value(), r.code());
        if (debug.enabled() && exchange.getAttribute(METERED) == null) {
            ServerHttpRequest request = exchange.getRequest();
            ClientKeyEntry key = exchange.getAttribute(CLIENT_KEY);
            byte[] requestBody = exchange.getAttribute(REQUEST_BODY);
            int max = debug.maxBodyBytes();
            debug.record(new DebugRecorder.Entry(
                    clock.instant(),
                    exchange.getResponse().getHeaders().getFirst(EdgeApiWebFilter.REQUEST_ID_HEADER),
                    api.label(),
                    request.getMethod().name(),
                    request.getPath().value(),
                    request.getHeaders(),
                    key == null ? null : key.id(),
                    null,
                    null,
                    List.of(),
                    false,
                    r.status().value(),
                    "rejected:" + r.code(),
                    0,
                    requestBody != null && requestBody.length <= max ? requestBody : null,
                    requestBody == null ? 0 : requestBody.length,
                    body,
                    body.length));
        }
        return write(exchange.getResponse(), r.status(), body);
    }

    static Mono<Void> write(ServerHttpResponse response, HttpStatus status, byte[] body) {
        response.setStatusCode(status);
        if (!response.getHeaders().containsHeader(HttpHeaders.CONTENT_TYPE)) {
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        }
        response.getHeaders().setContentLength(body.length);
        DataBuffer buf = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buf));
    }

    /** A metered answer: its body is kept for the debug ring. */
    Mono<Void> answer(ServerHttpResponse response, HttpStatus status, byte[] body, RequestMeter meter) {
        meter.answered(body);
        return write(response, status, body);
    }

    /** Every channel refused (or none could be reached): the last upstream error, in the client API's shape. */
    Mono<Void> rejected(ServerHttpResponse response, ClientApi api, Reject r, RequestMeter meter) {
        meter.rejected(r);
        if (r.retryAfterSeconds() != null) {
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, r.retryAfterSeconds());
        }
        byte[] body = api == ClientApi.ANTHROPIC
                ? ErrorShapes.toAnthropic(r.status(), r.body())
                : ErrorShapes.toOpenAi(r.status(), r.body());
        return answer(response, HttpStatus.valueOf(r.status()), body, meter);
    }

    /** The upstream's whole answer, translated; an answer that cannot be read is a 502, never a retry. */
    Mono<Void> buffered(
            ServerHttpResponse response,
            ClientApi api,
            Commit c,
            Flux<RelaySignal> rest,
            Translator t,
            RequestMeter meter) {
        return rest.next().flatMap(sig -> {
            byte[] full = sig instanceof Body b ? b.bytes() : new byte[0];
            Translated out;
            try {
                out = t.response(full);
            } catch (RuntimeException ex) {
                meter.untranslatable();
                String message = "the upstream's response could not be read ("
                        + ex.getClass().getSimpleName()
                        + "); no retry was made because the upstream already answered";
                byte[] err = api == ClientApi.ANTHROPIC
                        ? AnthropicErrors.body("api_error", message)
                        : OpenAiErrors.body(message, "server_error", null, "upstream_response_invalid");
                return answer(response, HttpStatus.BAD_GATEWAY, err, meter);
            }
            meter.usage = out.usage();
            String ct = c.upstreamHeaders().get("content-type");
            response.getHeaders()
                    .set(HttpHeaders.CONTENT_TYPE, ct != null && !t.ownsBody() ? ct : MediaType.APPLICATION_JSON_VALUE);
            return answer(response, HttpStatus.valueOf(c.status()), out.body(), meter);
        });
    }

    /**
     * The upstream's stream, translated as it comes. A failure after the first byte ends the client's stream with the
     * client API's error event (never a clean end); a stream that ends without its terminator is incomplete.
     */
    Mono<Void> streamed(
            ServerHttpResponse response,
            Commit c,
            Flux<RelaySignal> rest,
            Translator t,
            RequestMeter meter,
            RelayEngine.Call call) {
        response.setStatusCode(HttpStatus.valueOf(c.status()));
        HttpHeaders h = response.getHeaders();
        h.setContentType(MediaType.TEXT_EVENT_STREAM);
        h.setCacheControl("no-cache");
        h.set("X-Accel-Buffering", "no");
        StreamTranslator st = t.stream();
        meter.sse = st;
        Flux<byte[]> out = rest.concatMapIterable(sig -> switch (sig) {
                    case Body b -> st.accept(b.bytes());
                    case MidStreamFailure f -> {
                        List<byte[]> tail = new ArrayList<>(st.finish());
                        if (st.completed()) {
                            // the upstream's terminator ([DONE], message_stop) came before the failure: the client
                            // has the whole response, so it ends cleanly and is metered as complete
                            meter.failedAfterCompletion();
                            yield tail;
                        }
                        meter.midStreamFailure();
                        engine.midStreamFailed(call, f);
                        if (!st.erroredInBand()) {
                            tail.addAll(st.fail(
                                    f.timeout()
                                            ? "upstream stream stalled; the response is incomplete"
                                            : "upstream connection failed mid-stream; the response is incomplete",
                                    f.timeout() ? "upstream_timeout" : "upstream_error"));
                        }
                        yield tail;
                    }
                    default -> List.of();
                })
                .concatWith(Flux.defer(() -> {
                    if (meter.failedMidStream) {
                        return Flux.empty();
                    }
                    List<byte[]> tail = new ArrayList<>(st.finish());
                    if (!st.completed() && t.streamNeedsTerminator()) {
                        meter.endedWithoutDone();
                        if (!st.erroredInBand()) {
                            tail.addAll(st.fail(
                                    "upstream ended the stream without completing it; the response is incomplete",
                                    "upstream_incomplete"));
                        }
                    }
                    return Flux.fromIterable(tail);
                }));
        if (meter.watchesStream()) {
            out = out.doOnNext(meter::captureStream);
        }
        return response.writeAndFlushWith(
                out.map(bytes -> Mono.just(response.bufferFactory().wrap(bytes))));
    }
}
