package dev.relay.gateway.config;

import dev.relay.gateway.routing.SnapshotHolder;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Tells the other replicas and the control plane which config version this replica serves: registers its row in
 * {@code replica} when it starts, upserts it every {@code relay.gateway.replica-heartbeat-interval} and right after
 * every snapshot install ({@link #installed}, so a new version shows at once rather than at the next beat), deletes
 * rows not seen for {@link #RETENTION}, and removes its own row on a graceful shutdown. A failing database only delays
 * the beats (logged once).
 */
public class ReplicaHeartbeat implements SmartLifecycle {

    /** Rows of replicas not seen for this long are deleted (replicas that crashed instead of shutting down). */
    public static final Duration RETENTION = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(ReplicaHeartbeat.class);

    private final Replicas replicas;
    private final SnapshotHolder snapshots;
    private final String replicaId;
    private final Duration interval;
    private ScheduledExecutorService scheduler;
    private Instant startedAt; // guarded by this
    private boolean failing; // guarded by this

    public ReplicaHeartbeat(Replicas replicas, SnapshotHolder snapshots, String replicaId, Duration interval) {
        this.replicas = replicas;
        this.snapshots = snapshots;
        this.replicaId = replicaId;
        this.interval = interval;
    }

    public String replicaId() {
        return replicaId;
    }

    /** A snapshot at {@code version} was installed: report it now (nothing before the heartbeat has started). */
    public void installed(long version) {
        beat(version);
    }

    /** One heartbeat with the installed snapshot's version, and the retention sweep. */
    public void beat() {
        if (beat(snapshots.get().version())) {
            try {
                replicas.prune(RETENTION);
            } catch (RuntimeException ex) {
                log.debug("pruning stale replica rows failed: {}", ex.toString());
            }
        }
    }

    private synchronized boolean beat(long version) {
        if (scheduler == null) {
            return false; // not started, or stopped: the row is not ours to write now
        }
        try {
            if (startedAt == null) {
                startedAt = replicas.register(replicaId, version);
            } else {
                replicas.beat(replicaId, version, startedAt);
            }
            if (failing) {
                log.info("replica heartbeat of {} recovered", replicaId);
                failing = false;
            }
            return true;
        } catch (RuntimeException ex) {
            if (!failing) {
                log.warn(
                        "replica heartbeat of {} failed (will keep trying every {}): {}",
                        replicaId,
                        interval,
                        ex.toString());
                failing = true;
            }
            return false;
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService s;
        synchronized (this) {
            if (scheduler != null) {
                return;
            }
            s = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gateway-replica-heartbeat");
                t.setDaemon(true);
                return t;
            });
            scheduler = s;
        }
        beat();
        long ms = interval.toMillis();
        s.scheduleWithFixedDelay(this::beat, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** A graceful shutdown: no more beats, and the row goes, so nobody waits for this replica any longer. */
    @Override
    public void stop() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = scheduler;
            scheduler = null;
            startedAt = null;
        }
        if (s == null) {
            return;
        }
        s.shutdownNow();
        try {
            s.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try {
                replicas.remove(replicaId);
            } catch (RuntimeException ex) {
                log.warn(
                        "could not remove the replica row of {} (it expires on its own): {}", replicaId, ex.toString());
            }
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
