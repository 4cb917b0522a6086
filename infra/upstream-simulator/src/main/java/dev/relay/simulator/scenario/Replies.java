package dev.relay.simulator.scenario;

import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Successful answers: a JSON body or an SSE stream, both shaped by the scenario. Buffers wrap, never copy. */
public final class Replies {

    public static final MediaType EVENT_STREAM = MediaType.parseMediaType("text/event-stream;charset=utf-8");

    private Replies() {}

    public static Mono<ServerResponse> json(ServerRequest request, byte[] body) {
        Scenario scenario = SimExchange.scenario(request);
        if (!scenario.is(Behavior.DROP_AFTER) && !scenario.is(Behavior.STALL)) {
            return ServerResponse.ok()
                    .contentType(MediaType.APPLICATION_JSON)
                    .contentLength(body.length)
                    .bodyValue(body);
        }
        return ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .contentLength(body.length)
                .body(inserter(request, StreamShaper.shapeBody(body, scenario), false));
    }

    public static Mono<ServerResponse> sse(ServerRequest request, List<byte[]> events, byte[] faultEvent) {
        Scenario scenario = SimExchange.scenario(request);
        // a drop or stall is written event by event, flushed: written in one batch, events still unflushed when the
        // connection is dropped would be lost with it, and the client would not see the events before the fault
        boolean flushEach = scenario.is(Behavior.DROP_AFTER) || scenario.is(Behavior.STALL);
        return ServerResponse.ok()
                .contentType(EVENT_STREAM)
                .header("cache-control", "no-cache")
                .body(inserter(request, StreamShaper.shape(events, scenario, faultEvent), flushEach));
    }

    /**
     * Writes the chunks (each flushed on its own with {@code flushEach}). A client that disconnects mid-body cancels
     * this flux (the exchange as a whole may still end "successfully"), so the cancellation is reported from here.
     */
    private static BodyInserter<Void, ReactiveHttpOutputMessage> inserter(
            ServerRequest request, Flux<byte[]> chunks, boolean flushEach) {
        return (message, context) -> {
            Flux<byte[]> body = chunks.doOnCancel(() -> SimExchange.bodyCancelled(request));
            return flushEach
                    ? message.writeAndFlushWith(
                            body.map(b -> Mono.just(message.bufferFactory().wrap(b))))
                    : message.writeWith(body.map(b -> message.bufferFactory().wrap(b)));
        };
    }
}
