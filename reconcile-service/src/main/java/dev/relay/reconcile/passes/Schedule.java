package dev.relay.reconcile.passes;

import dev.relay.outbox.DurableTimers;
import dev.relay.outbox.TimerHandler;
import dev.relay.reconcile.ReconcileProperties;
import java.time.Clock;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The scheduled pass over every run: one durable timer (kind {@value #KIND}, key {@code all}) that starts a pass and
 * moves itself {@code relay.reconcile.schedule-interval} ahead, so the schedule survives restarts and any replica
 * keeps it. Set up at start when missing; an interval of zero turns it off (and removes the timer).
 */
@Component
public class Schedule implements TimerHandler, ApplicationRunner {

    public static final String KIND = "reconcile-schedule";
    static final String KEY = "all";

    private final Passes passes;
    private final DurableTimers timers;
    private final TransactionTemplate tx;
    private final ReconcileProperties properties;
    private final Clock clock;

    public Schedule(
            Passes passes, DurableTimers timers, TransactionTemplate tx, ReconcileProperties properties, Clock clock) {
        this.passes = passes;
        this.timers = timers;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int concurrency() {
        return 1;
    }

    @Override
    public void run(ApplicationArguments args) {
        tx.executeWithoutResult(s -> {
            if (properties.scheduleInterval().isZero()) {
                timers.cancel(KIND, KEY);
            } else if (!timers.exists(KIND, KEY)) {
                timers.schedule(KIND, KEY, clock.instant().plus(properties.scheduleInterval()), null);
            }
        });
    }

    @Override
    public void fire(DurableTimers.Fired t) {
        tx.executeWithoutResult(s -> {
            if (properties.scheduleInterval().isZero()) {
                timers.complete(t);
                return;
            }
            if (!timers.reschedule(t, clock.instant().plus(properties.scheduleInterval()), null)) {
                s.setRollbackOnly(); // rescheduled meanwhile: that one starts the pass
                return;
            }
            passes.request(null, null, "schedule", "schedule");
        });
    }
}
