package dev.relay.gateway.health;

import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.RoutingSnapshot;
import dev.relay.gateway.routing.SnapshotHolder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * {@code relay_gateway_channel_state{channel}}: 0 healthy, 1 cooling down or half-open, 2 disabled (by an operator or
 * automatically). One gauge per channel, its value read from the installed snapshot and channel health when scraped;
 * every few seconds, off the hot path, gauges are added for new channels and removed for deleted ones, only when the
 * snapshot changed (with ten thousand channels, re-registering every row every few seconds cost a sixth of the edge's
 * CPU while channels were being provisioned).
 */
public class ChannelStateMetrics implements SmartLifecycle {

    static final String METRIC = "relay_gateway_channel_state";

    private final SnapshotHolder snapshots;
    private final ChannelHealth health;
    private final MeterRegistry registry;
    private final Map<String, Gauge> gauges = new HashMap<>(); // by channel id; only the timer thread touches it
    private RoutingSnapshot seen; // the snapshot the gauges were last matched to
    private ScheduledExecutorService timer;

    public ChannelStateMetrics(SnapshotHolder snapshots, ChannelHealth health, MeterRegistry registry) {
        this.snapshots = snapshots;
        this.health = health;
        this.registry = registry;
    }

    /** The channel's state now; NaN once it is gone (its gauge is removed on the next refresh). */
    double state(String channelId) {
        ChannelRoute ch = snapshots.get().channel(channelId).orElse(null);
        if (ch == null) {
            return Double.NaN;
        }
        return !ch.enabled() ? 2 : health.available(ch.id()) ? 0 : 1;
    }

    synchronized void refresh() {
        RoutingSnapshot now = snapshots.get();
        if (now == seen) {
            return;
        }
        Map<String, ChannelRoute> channels = now.channelsById();
        for (String id : channels.keySet()) {
            if (!gauges.containsKey(id)) {
                gauges.put(
                        id,
                        Gauge.builder(METRIC, this, m -> m.state(id))
                                .description("0 healthy, 1 cooling down / half-open, 2 disabled")
                                .tag("channel", id)
                                .register(registry));
            }
        }
        gauges.entrySet().removeIf(e -> {
            if (channels.containsKey(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue());
            return true;
        });
        seen = now;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "channel-state-metrics");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::refreshQuietly, 0, 5, TimeUnit.SECONDS);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException ignored) {
            // metrics must never break anything
        }
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null && !timer.isShutdown();
    }
}
