package dev.relay.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Polls {@link DurableTimers} for due timers of the kinds it has handlers for and runs them on virtual threads, at
 * most {@link TimerHandler#concurrency()} per kind in this process. Any replica may run any timer; the lease keeps two
 * from running one at once (a handler must finish well within {@code relay.timers.lease}).
 */
public class TimerRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TimerRunner.class);

    private final DurableTimers timers;
    private final Map<String, TimerHandler> handlers;
    private final Map<String, Semaphore> slots = new ConcurrentHashMap<>();
    private final Duration pollInterval;
    private final Duration lease;
    private final String owner = "runner-" + UUID.randomUUID();
    private volatile boolean running;
    private ExecutorService workers;
    private Thread poller;

    public TimerRunner(DurableTimers timers, List<TimerHandler> handlers, Duration pollInterval, Duration lease) {
        this.timers = timers;
        this.handlers = handlers.stream().collect(Collectors.toMap(TimerHandler::kind, Function.identity()));
        this.handlers.values().forEach(h -> slots.put(h.kind(), new Semaphore(Math.max(1, h.concurrency()))));
        this.pollInterval = pollInterval;
        this.lease = lease;
    }

    @Override
    public void start() {
        if (handlers.isEmpty() || running) {
            return;
        }
        running = true;
        workers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("timer-", 0).factory());
        poller = Thread.ofPlatform().daemon().name("timer-poller").start(this::loop);
    }

    private void loop() {
        while (running) {
            boolean busy = false;
            try {
                busy = pollOnce();
            } catch (RuntimeException ex) {
                log.warn("timer poll failed: {}", ex.toString());
            }
            if (!busy) {
                sleep(pollInterval);
            }
        }
    }

    /** Claims and starts what free slots allow; true when it claimed anything (poll again at once). */
    boolean pollOnce() {
        List<String> free = new ArrayList<>();
        int capacity = 0;
        for (Map.Entry<String, Semaphore> e : slots.entrySet()) {
            int n = e.getValue().availablePermits();
            if (n > 0) {
                free.add(e.getKey());
                capacity += n;
            }
        }
        if (free.isEmpty()) {
            return false;
        }
        List<DurableTimers.Fired> claimed = timers.claim(free, owner, capacity, lease);
        for (DurableTimers.Fired t : claimed) {
            Semaphore s = slots.get(t.kind());
            if (!s.tryAcquire()) {
                timers.release(t); // over this kind's share: give the claim back, it was not run
                continue;
            }
            workers.execute(() -> {
                try {
                    handlers.get(t.kind()).fire(t);
                } catch (Exception ex) {
                    Duration delay = Duration.ofMillis(Math.min(60_000, 500L << Math.min(7, t.attempts())));
                    log.warn(
                            "timer {}:{} failed (attempt {}), retrying in {}: {}",
                            t.kind(),
                            t.key(),
                            t.attempts() + 1,
                            delay,
                            ex.toString());
                    try {
                        timers.backOff(t, delay);
                    } catch (RuntimeException inner) {
                        log.warn("could not back timer {}:{} off; its lease expires instead", t.kind(), t.key());
                    }
                } finally {
                    s.release();
                }
            });
        }
        return !claimed.isEmpty();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        running = false;
        if (poller != null) {
            poller.interrupt();
        }
        if (workers != null) {
            workers.shutdown();
            try {
                workers.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                timers.releaseAll(owner); // what did not finish is due again at once, not after its lease
            } catch (RuntimeException e) {
                log.warn("could not release this runner's timer leases; they expire instead: {}", e.toString());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100; // start after the web server and Kafka listeners, stop before them
    }
}
