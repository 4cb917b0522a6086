package dev.relay.access.provisioning;

import dev.relay.access.items.AccessItems;
import dev.relay.access.items.AccessItems.Stage;
import dev.relay.access.items.ItemTimers;
import dev.relay.contracts.ItemCancelled;
import dev.relay.contracts.ItemProbed;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.outbox.DurableTimers;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What access-service takes from the item stream, each in the listener's transaction: a submission is kept (it
 * carries the sealed key and the run's access options, which provisioning needs); a probe result of the current
 * attempt schedules provisioning (a durable timer, due now); a cancellation stops what has not settled.
 */
@Component
public class Intake {

    private static final Logger log = LoggerFactory.getLogger(Intake.class);

    private final AccessItems items;
    private final DurableTimers timers;
    private final Clock clock;

    public Intake(AccessItems items, DurableTimers timers, Clock clock) {
        this.items = items;
        this.timers = timers;
        this.clock = clock;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void submitted(ItemSubmitted e) {
        if (items.submitted(e, clock.instant())) {
            // a retry starts over: whatever ran for the older attempt stops
            timers.cancel(Provisioner.KIND, e.itemId().toString());
            timers.cancel(ItemTimers.CONFIRM, e.itemId().toString());
        }
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void probed(ItemProbed e) {
        var found = items.find(e.itemId(), true);
        if (found.isEmpty()) {
            log.warn("item {} was probed but its submission never reached access-service; ignored", e.itemId());
            return;
        }
        var item = found.get();
        if (e.attempt() < item.attempt()
                || item.stage() == Stage.ROLLING_BACK
                || item.stage() == Stage.ROLLED_BACK
                || item.stage() == Stage.CANCELLED
                || e.attempt() == item.attempt() && item.stage() != Stage.SUBMITTED) {
            return; // an older attempt, a redelivery, or an item an operator already stopped
        }
        Instant now = clock.instant();
        items.probed(e.itemId(), e.attempt(), e.result(), now);
        timers.schedule(Provisioner.KIND, e.itemId().toString(), now, null);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void cancelled(ItemCancelled e) {
        items.find(e.itemId(), true).ifPresent(item -> {
            if (item.stage() == Stage.SUBMITTED
                    || item.stage() == Stage.PROVISIONING
                    || item.stage() == Stage.CONFIRMING) {
                items.stage(e.itemId(), Stage.CANCELLED, clock.instant());
                timers.cancel(Provisioner.KIND, e.itemId().toString());
                timers.cancel(ItemTimers.CONFIRM, e.itemId().toString());
            }
        });
    }
}
