package dev.relay.gateway.health;

import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.SnapshotHolder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * {@code relay_gateway_channel_state{channel}}: 0 healthy, 1 cooling down or half-open, 2 disabled (by an operator or
 * automatically). Refreshed every few seconds from the snapshot and channel health, off the hot path.
 */
public class ChannelStateMetrics implements SmartLifecycle {

    private final SnapshotHolder snapshots;
    private final ChannelHealth health;
    private final MultiGauge gauge;
    private ScheduledExecutorService timer;

    public ChannelStateMetrics(SnapshotHolder snapshots, ChannelHealth health, MeterRegistry registry) {
        this.snapshots = snapshots;
        this.health = health;
        this.gauge = MultiGauge.builder("relay_gateway_channel_state")
                .description("0 healthy, 1 cooling down / half-open, 2 disabled")
                .register(registry);
    }

    void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (ChannelRoute ch : snapshots.get().channels()) {
            int state = !ch.enabled() ? 2 : health.available(ch.id()) ? 0 : 1;
            rows.add(MultiGauge.Row.of(Tags.of("channel", ch.id()), state));
        }
        gauge.register(rows, true);
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
