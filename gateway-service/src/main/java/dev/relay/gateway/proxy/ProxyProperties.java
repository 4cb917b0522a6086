package dev.relay.gateway.proxy;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.gateway.proxy.*}: the hot path's limits and timeouts (per-channel timeouts override the defaults).
 *
 * @param maxBodyBytes largest accepted client request body (413 above)
 * @param maxResponseBytes largest buffered (non-streamed) upstream response
 * @param maxConnections upstream connections per upstream address (open streams hold one each)
 * @param poolAcquireTimeout how long a request may wait for a free pooled connection before it is answered 503
 *     {@code gateway_overloaded} (no health penalty for the channel)
 * @param maxAttempts channels tried per request, at most
 * @param totalDeadline no new attempt starts after this much time since the request arrived
 * @param streamIdleTimeout a stream that stays silent this long after its first byte is failed as incomplete
 * @param rateLimiterTimeout how long the Redis rate limiter may take before the request is let through
 * @param defaultMaxTokens {@code max_tokens} sent to Anthropic channels when an OpenAI client gave none (Anthropic
 *     requires it)
 * @param debugCapacity requests kept for {@code GET /internal/debug/requests} (0 turns the ring off)
 * @param debugMaxBodyBytes larger request/response bodies are not kept in the debug ring (when bodies are captured)
 * @param debugCaptureBodies {@code true}: the debug ring keeps request and response bodies of every request from the
 *     start, without expiry, until {@code DELETE /internal/debug/capture} (local debugging only). Default
 *     {@code false}: metadata only, bodies only while an operator has capture on ({@code PUT /internal/debug/capture})
 */
@ConfigurationProperties("relay.gateway.proxy")
public record ProxyProperties(
        Integer maxBodyBytes,
        Integer maxResponseBytes,
        Integer maxConnections,
        Duration poolAcquireTimeout,
        Duration connectTimeout,
        Duration firstByteTimeout,
        Duration nonStreamTimeout,
        Duration streamIdleTimeout,
        Integer maxAttempts,
        Duration totalDeadline,
        Duration rateLimiterTimeout,
        String replicaId,
        Integer defaultMaxTokens,
        Integer debugCapacity,
        Integer debugMaxBodyBytes,
        Boolean debugCaptureBodies) {

    public ProxyProperties {
        maxBodyBytes = maxBodyBytes == null ? 10 * 1024 * 1024 : maxBodyBytes;
        maxResponseBytes = maxResponseBytes == null ? 64 * 1024 * 1024 : maxResponseBytes;
        maxConnections = maxConnections == null ? 10_000 : maxConnections;
        poolAcquireTimeout = poolAcquireTimeout == null ? Duration.ofSeconds(5) : poolAcquireTimeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        firstByteTimeout = firstByteTimeout == null ? Duration.ofSeconds(60) : firstByteTimeout;
        nonStreamTimeout = nonStreamTimeout == null ? Duration.ofMinutes(5) : nonStreamTimeout;
        streamIdleTimeout = streamIdleTimeout == null ? Duration.ofMinutes(2) : streamIdleTimeout;
        maxAttempts = maxAttempts == null ? 3 : maxAttempts;
        totalDeadline = totalDeadline == null ? Duration.ofMinutes(2) : totalDeadline;
        rateLimiterTimeout = rateLimiterTimeout == null ? Duration.ofMillis(200) : rateLimiterTimeout;
        defaultMaxTokens = defaultMaxTokens == null ? 4096 : defaultMaxTokens;
        debugCapacity = debugCapacity == null ? 200 : debugCapacity;
        debugMaxBodyBytes = debugMaxBodyBytes == null ? 64 * 1024 : debugMaxBodyBytes;
        debugCaptureBodies = debugCaptureBodies != null && debugCaptureBodies;
    }
}
