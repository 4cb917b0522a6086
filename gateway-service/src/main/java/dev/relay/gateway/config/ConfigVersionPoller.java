package dev.relay.gateway.config;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The safety net behind the config events: every {@code relay.gateway.config-poll-interval} compares
 * {@code config_version} with the installed snapshot and reloads when the database is ahead (a missed event, Kafka or
 * Connect down).
 */
public class ConfigVersionPoller implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConfigVersionPoller.class);

    private final ConfigRepository repository;
    private final SnapshotLoader snapshots;
    private final Duration interval;
    private ScheduledExecutorService scheduler;
    private volatile boolean failing;

    public ConfigVersionPoller(ConfigRepository repository, SnapshotLoader snapshots, Duration interval) {
        this.repository = repository;
        this.snapshots = snapshots;
        this.interval = interval;
    }

    /** One poll: reloads when the stored version is ahead of the installed snapshot. */
    public void poll() {
        try {
            long stored = repository.currentVersion();
            if (stored > snapshots.installedVersion()) {
                log.info(
                        "config version {} in the database is ahead of the snapshot ({}): reloading",
                        stored,
                        snapshots.installedVersion());
                snapshots.awaitVersion(stored);
            }
            if (failing) {
                log.info("config version poll recovered");
                failing = false;
            }
        } catch (RuntimeException ex) {
            if (!failing) {
                log.warn("config version poll failed (will keep trying every {}): {}", interval, ex.toString());
                failing = true;
            }
        }
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-config-poll");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
