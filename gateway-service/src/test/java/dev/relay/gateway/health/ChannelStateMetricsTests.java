package dev.relay.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ChannelStatus;
import dev.relay.gateway.routing.RoutingSnapshot;
import dev.relay.gateway.routing.RoutingSnapshotTests;
import dev.relay.gateway.routing.SnapshotHolder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChannelStateMetricsTests {

    /** An open channel serving "m" (the routing tests' fixture). */
    private static ChannelRoute channel(String id, ChannelStatus status) {
        return RoutingSnapshotTests.channel(id, Set.of("m"), Set.of(), 0, status);
    }

    private static Double value(SimpleMeterRegistry registry, String id) {
        Gauge g = registry.find(ChannelStateMetrics.METRIC).tag("channel", id).gauge();
        return g == null ? null : g.value();
    }

    @Test
    void oneGaugePerChannelFollowingTheSnapshot() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SnapshotHolder holder = new SnapshotHolder();
        ChannelHealth health =
                new ChannelHealth(Clock.systemUTC(), ChannelHealth.Settings.DEFAULTS, HealthEvents.NONE, "gw-test");
        ChannelStateMetrics metrics = new ChannelStateMetrics(holder, health, registry);

        RoutingSnapshot v1 = new RoutingSnapshot(
                1,
                List.of(channel("a", ChannelStatus.ENABLED), channel("b", ChannelStatus.ENABLED)),
                List.of(),
                Map.of());
        holder.install(v1);
        metrics.refresh();
        assertThat(value(registry, "a")).isEqualTo(0.0);
        assertThat(value(registry, "b")).isEqualTo(0.0);

        // a change of status shows at the next scrape, without a refresh
        holder.install(v1.change()
                .putChannel(channel("a", ChannelStatus.AUTO_DISABLED))
                .build(2));
        assertThat(value(registry, "a")).isEqualTo(2.0);

        // a deleted channel's gauge goes, a new one's comes
        holder.install(holder.get()
                .change()
                .removeChannel("b")
                .putChannel(channel("c", ChannelStatus.ENABLED))
                .build(3));
        assertThat(value(registry, "b")).isNaN();
        metrics.refresh();
        assertThat(value(registry, "b")).isNull();
        assertThat(value(registry, "c")).isEqualTo(0.0);
        assertThat(registry.find(ChannelStateMetrics.METRIC).gauges()).hasSize(2);
    }
}
