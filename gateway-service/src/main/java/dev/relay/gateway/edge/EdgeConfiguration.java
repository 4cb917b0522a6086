package dev.relay.gateway.edge;

import dev.relay.gateway.config.GatewayConfigProperties;
import dev.relay.gateway.config.ReplicaId;
import dev.relay.gateway.health.ChannelHealth;
import dev.relay.gateway.introspect.DebugRecorder;
import dev.relay.gateway.metering.UsageSink;
import dev.relay.gateway.proxy.ChannelPlanner;
import dev.relay.gateway.proxy.KeyRateLimiter;
import dev.relay.gateway.proxy.ProxyProperties;
import dev.relay.gateway.proxy.RelayEngine;
import dev.relay.gateway.proxy.RequestPurpose;
import dev.relay.gateway.proxy.TokenEstimator;
import dev.relay.gateway.routing.SnapshotHolder;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the front door of the client APIs over the relay engine. */
@Configuration(proxyBeanMethods = false)
public class EdgeConfiguration {

    @Bean
    EdgeApiWebFilter edgeApiWebFilter(
            SnapshotHolder snapshots,
            RelayEngine engine,
            ChannelHealth health,
            UsageSink usage,
            KeyRateLimiter limiter,
            TokenEstimator estimator,
            Clock clock,
            ProxyProperties p,
            DebugRecorder debug,
            ReplicaId replica,
            GatewayConfigProperties config) {
        RequestPurpose purposes = new RequestPurpose(config.adminToken());
        ResponseWriter writer = new ResponseWriter(engine, debug, clock);
        RequestMeter.Sinks sinks =
                new RequestMeter.Sinks(usage, engine.metrics(), debug, estimator, replica.value(), purposes, clock);
        Dispatch dispatch = new Dispatch(
                engine,
                new ChannelPlanner(health, ThreadLocalRandom::current),
                limiter,
                writer,
                sinks,
                p.defaultMaxTokens());
        return new EdgeApiWebFilter(snapshots, dispatch, writer, purposes, debug, clock, p.maxBodyBytes());
    }
}
