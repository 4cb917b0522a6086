package dev.relay.gateway.proxy;

import dev.relay.gateway.routing.ClientKeyEntry;
import reactor.core.publisher.Mono;

/** Per-client-key request rate limit that holds across gateway replicas. */
public interface KeyRateLimiter {
    KeyRateLimiter UNLIMITED = key -> Mono.just(true);

    /** Whether one more request of this key may proceed now. */
    Mono<Boolean> tryAcquire(ClientKeyEntry key);
}
