package dev.relay.gateway.proxy;

import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Stops Reactor's context walks. An operator that asks for the subscriber context ({@code currentContext()}: Reactor
 * Netty's client asks several times per request as it subscribes, {@code switchOnFirst} and others per signal) gets it
 * from the next subscriber downstream, which asks the next, down to the HTTP server's root: one virtual call per
 * operator in between, a twentieth of the edge's CPU in the benchmark's profile
 * ({@code InnerOperator.currentContext}). An identity {@code contextWrite} subscriber answers with the context it was
 * given at subscription, so a walk ends there. The context is unchanged; only where it is read from moves.
 */
public final class ContextBarrier {

    private static final Function<Context, Context> SAME = c -> c;

    private ContextBarrier() {}

    public static <T> Flux<T> on(Flux<T> flux) {
        return flux.contextWrite(SAME);
    }

    public static <T> Mono<T> on(Mono<T> mono) {
        return mono.contextWrite(SAME);
    }
}
