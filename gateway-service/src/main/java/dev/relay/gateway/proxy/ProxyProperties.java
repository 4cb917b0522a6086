package dev.relay.gateway.proxy;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.gateway.proxy.*}: the hot path's limits and timeouts (per-channel timeouts override the defaults).
 *
 * @param maxBodyBytes largest accepted client request body (413 above)
 * @param maxResponseBytes largest buffered (non-streamed) upstream response
 * @param maxConnections upstream connection pool size
 * @param maxAttempts channels tried per request, at most
 * @param totalDeadline no new attempt starts after this much time since the request arrived
 * @param streamIdleTimeout a stream that stays silent this long after its first byte is failed as incomplete
 * @param rateLimiterTimeout how long the Redis rate limiter may take before the request is let through
 */
@ConfigurationProperties("relay.gateway.proxy")
public record ProxyProperties(
        Integer maxBodyBytes,
        Integer maxResponseBytes,
        Integer maxConnections,
        Duration connectTimeout,
        Duration firstByteTimeout,
        Duration nonStreamTimeout,
        Duration streamIdleTimeout,
        Integer maxAttempts,
        Duration totalDeadline,
        Duration rateLimiterTimeout,
        String replicaId) {

    public ProxyProperties {
        maxBodyBytes = maxBodyBytes == null ? 10 * 1024 * 1024 : maxBodyBytes;
        maxResponseBytes = maxResponseBytes == null ? 64 * 1024 * 1024 : maxResponseBytes;
        maxConnections = maxConnections == null ? 2000 : maxConnections;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        firstByteTimeout = firstByteTimeout == null ? Duration.ofSeconds(60) : firstByteTimeout;
        nonStreamTimeout = nonStreamTimeout == null ? Duration.ofMinutes(5) : nonStreamTimeout;
        streamIdleTimeout = streamIdleTimeout == null ? Duration.ofMinutes(2) : streamIdleTimeout;
        maxAttempts = maxAttempts == null ? 3 : maxAttempts;
        totalDeadline = totalDeadline == null ? Duration.ofMinutes(2) : totalDeadline;
        rateLimiterTimeout = rateLimiterTimeout == null ? Duration.ofMillis(200) : rateLimiterTimeout;
    }
}
