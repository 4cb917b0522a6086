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
                .body(inserter(request, StreamShaper.shapeBody(body, scenario)));
    }

    public static Mono<ServerResponse> sse(ServerRequest request, List<byte[]> events, byte[] faultEvent) {
        Scenario scenario = SimExchange.scenario(request);
        return ServerResponse.ok()
                .contentType(EVENT_STREAM)
                .header("cache-control", "no-cache")
                .body(
                        scenario.is(Behavior.DROP_AFTER) || scenario.is(Behavior.STALL)
                                ? flushingInserter(request, StreamShaper.shape(events, scenario, faultEvent))
                                : inserter(request, StreamShaper.shape(events, scenario, faultEvent)));
    }

    /**
     * Writes and flushes every event on its own: for faults, so the events before a drop or stall surely reach the
     * client (written in one batch, events still unflushed when the connection is dropped would be lost with it).
     */
    private static BodyInserter<Void, ReactiveHttpOutputMessage> flushingInserter(
            ServerRequest request, Flux<byte[]> chunks) {
        return (message, context) -> message.writeAndFlushWith(
                chunks.map(bytes -> Mono.just(message.bufferFactory().wrap(bytes)))
                        .doOnCancel(() -> SimExchange.bodyCancelled(request)));
    }

    /**
     * Writes the chunks. A client that disconnects mid-body cancels this flux (the exchange as a whole may still end
     * "successfully"), so the cancellation is reported from here.
     */
    private static BodyInserter<Void, ReactiveHttpOutputMessage> inserter(ServerRequest request, Flux<byte[]> chunks) {
        return (message, context) ->
                message.writeWith(chunks.map(bytes -> message.bufferFactory().wrap(bytes))
                        .doOnCancel(() -> SimExchange.bodyCancelled(request)));
    }
}
