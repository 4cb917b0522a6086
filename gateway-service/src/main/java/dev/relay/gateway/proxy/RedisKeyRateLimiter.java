package dev.relay.gateway.proxy;

import dev.relay.gateway.routing.ClientKeyEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Token bucket per client key in Redis (one atomic Lua script per request, like Spring Cloud Gateway's
 * RedisRateLimiter, but with each key's own {@code rateLimitPerMinute}), so the limit holds across replicas. Capacity =
 * the per-minute limit (a full minute's burst), refilled continuously. Fails open, counted, when Redis is unavailable:
 * an outage of the limiter must not take the edge down.
 */
public class RedisKeyRateLimiter implements KeyRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RedisKeyRateLimiter.class);

    // KEYS[1] bucket; ARGV: rate per ms, capacity, now ms. Returns 1 allowed / 0 denied.
    private static final RedisScript<Long> SCRIPT = RedisScript.of("""
            local rate = tonumber(ARGV[1])
            local capacity = tonumber(ARGV[2])
            local now = tonumber(ARGV[3])
            local state = redis.call('HMGET', KEYS[1], 't', 'ts')
            local tokens = tonumber(state[1])
            local ts = tonumber(state[2])
            if tokens == nil then tokens = capacity; ts = now end
            tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
            local allowed = 0
            if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
            redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
            return allowed
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;
    private final Duration timeout;
    private final Counter failOpen;

    public RedisKeyRateLimiter(
            ReactiveStringRedisTemplate redis, Clock clock, Duration timeout, MeterRegistry registry) {
        this.redis = redis;
        this.clock = clock;
        this.timeout = timeout;
        this.failOpen = Counter.builder("relay_gateway_rate_limiter_fail_open")
                .description("requests let through because the rate limiter's Redis was unavailable")
                .register(registry);
    }

    @Override
    public Mono<Boolean> tryAcquire(ClientKeyEntry key) {
        Integer perMinute = key.rateLimitPerMinute();
        if (perMinute == null) {
            return Mono.just(true);
        }
        double ratePerMs = perMinute / 60_000.0;
        return redis.execute(
                        SCRIPT,
                        List.of("relay:rl:" + key.id()),
                        List.of(Double.toString(ratePerMs), Integer.toString(perMinute), Long.toString(clock.millis())))
                .next()
                .map(r -> r == 1L)
                .name("relay.rate-limiter")
                .timeout(timeout)
                .onErrorResume(e -> {
                    failOpen.increment();
                    log.warn("rate limiter unavailable, letting the request through: {}", e.toString());
                    return Mono.just(true);
                })
                .defaultIfEmpty(true);
    }
}
