package dev.relay.gateway.proxy;

import dev.relay.gateway.config.ReplicaId;
import dev.relay.gateway.health.ChannelHealth;
import dev.relay.gateway.health.HealthEvents;
import dev.relay.gateway.introspect.DebugRecorder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import java.time.Clock;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** Wires the hot path. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProxyProperties.class)
public class ProxyConfiguration {

    static {
        DroppedErrors.install(); // global Reactor hook: client disconnects are not ERRORs
    }

    @Bean(destroyMethod = "dispose")
    UpstreamClient upstreamClient(ProxyProperties p) {
        return new UpstreamClient(p.maxConnections(), p.poolAcquireTimeout(), java.time.Duration.ofSeconds(55));
    }

    /**
     * Spring's per-request {@code http.server.requests} observation is skipped for the client APIs: it duplicated
     * {@code relay_gateway_requests} / {@code relay_gateway_request_duration} (which carry model, channel and outcome)
     * and cost ~6 % of the edge's CPU per request in the benchmark's profile. Admin and actuator requests keep it.
     */
    @Bean
    ObservationPredicate relayClientApiObservations() {
        return (name, context) -> !(context
                        instanceof
                        org.springframework.http.server.reactive.observation.ServerRequestObservationContext c
                && c.getCarrier() != null
                && isClientApiPath(c.getCarrier().getPath().value()));
    }

    static boolean isClientApiPath(String path) {
        return path.startsWith("/v1/") || path.equals("/capabilities");
    }

    @Bean
    ReplicaId replicaId(ProxyProperties p) {
        return new ReplicaId(
                p.replicaId() != null
                        ? p.replicaId()
                        : "gw-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Bean
    ChannelHealth channelHealth(Clock clock, ObjectProvider<HealthEvents> events, ReplicaId replica) {
        return new ChannelHealth(
                clock,
                ChannelHealth.Settings.DEFAULTS,
                events.getIfAvailable(() -> HealthEvents.NONE),
                replica.value());
    }

    @Bean(destroyMethod = "stop")
    WheelTimeouts wheelTimeouts(MeterRegistry registry) {
        WheelTimeouts timeouts = new WheelTimeouts();
        Gauge.builder("relay_gateway_pending_timeouts", timeouts, WheelTimeouts::pending)
                .description("hot-path timeouts armed on the timing wheel (one to three per request in flight)")
                .register(registry);
        return timeouts;
    }

    @Bean
    RelayEngine relayEngine(
            UpstreamClient client,
            WheelTimeouts timeouts,
            ChannelHealth health,
            Clock clock,
            ProxyProperties p,
            MeterRegistry registry) {
        return new RelayEngine(
                client,
                timeouts,
                health,
                clock,
                new RelayEngine.Settings(
                        p.connectTimeout(),
                        p.firstByteTimeout(),
                        p.nonStreamTimeout(),
                        p.streamIdleTimeout(),
                        p.maxAttempts(),
                        p.totalDeadline(),
                        p.maxResponseBytes()),
                registry);
    }

    @Bean
    TokenEstimator tokenEstimator() {
        return new TokenEstimator();
    }

    @Bean
    KeyRateLimiter keyRateLimiter(
            ObjectProvider<ReactiveStringRedisTemplate> redis, Clock clock, ProxyProperties p, MeterRegistry registry) {
        ReactiveStringRedisTemplate template = redis.getIfAvailable();
        return template == null
                ? KeyRateLimiter.UNLIMITED
                : new RedisKeyRateLimiter(template, clock, p.rateLimiterTimeout(), registry);
    }

    @Bean
    DebugRecorder debugRecorder(ProxyProperties p, Clock clock) {
        return p.debugCapacity() > 0
                ? new DebugRecorder(p.debugCapacity(), p.debugMaxBodyBytes(), clock, p.debugCaptureBodies())
                : DebugRecorder.DISABLED;
    }
}
