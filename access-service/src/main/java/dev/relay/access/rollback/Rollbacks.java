package dev.relay.access.rollback;

import dev.relay.access.AccessProperties;
import dev.relay.access.accounting.RunAccessGrants;
import dev.relay.access.edge.EdgeAdmins;
import dev.relay.access.items.AccessItems;
import dev.relay.access.items.AccessItems.Item;
import dev.relay.access.items.AccessItems.Stage;
import dev.relay.access.items.ItemTimers;
import dev.relay.access.items.ResourceLedger;
import dev.relay.contracts.ItemRollbackRequested;
import dev.relay.contracts.ItemRolledBack;
import dev.relay.contracts.ManagedResource;
import dev.relay.contracts.ManagedResource.ResourceKind;
import dev.relay.contracts.RunRollbackRequested;
import dev.relay.contracts.edge.EdgeAdmin;
import dev.relay.contracts.edge.EdgeAdminException;
import dev.relay.outbox.DurableTimers;
import dev.relay.outbox.OutboxWriter;
import dev.relay.outbox.TimerHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rollback by the ledger (timer kind {@value #KIND}, one per item): deletes exactly the resources the ledger holds for
 * the item — keys, then channels, then groups (reverse dependency order) — and, once nothing of the run remains, the
 * run's key and group. A resource already gone counts as removed; anything the ledger does not hold is never touched.
 * A host that fails is retried with backoff (the request is durable); when every resource is gone the item is {@code
 * item.rolled-back} with the list of what was removed. Asking again is harmless.
 */
@Component
public class Rollbacks implements TimerHandler {

    public static final String KIND = ItemTimers.ROLLBACK;

    private static final Logger log = LoggerFactory.getLogger(Rollbacks.class);

    private final AccessItems items;
    private final ResourceLedger ledger;
    private final EdgeAdmins admins;
    private final RunAccessGrants grants;
    private final DurableTimers timers;
    private final OutboxWriter outbox;
    private final TransactionTemplate tx;
    private final AccessProperties properties;
    private final Clock clock;

    public Rollbacks(
            AccessItems items,
            ResourceLedger ledger,
            EdgeAdmins admins,
            RunAccessGrants grants,
            DurableTimers timers,
            OutboxWriter outbox,
            TransactionTemplate tx,
            AccessProperties properties,
            Clock clock) {
        this.items = items;
        this.ledger = ledger;
        this.admins = admins;
        this.grants = grants;
        this.timers = timers;
        this.outbox = outbox;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void requested(ItemRollbackRequested e) {
        items.find(e.itemId(), true).ifPresent(item -> start(item, e.requestedBy()));
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void requested(RunRollbackRequested e) {
        for (Item item : items.ofRun(e.runId(), true)) {
            start(item, e.requestedBy());
        }
    }

    private void start(Item item, String requestedBy) {
        if (item.stage() == Stage.ROLLED_BACK && ledger.ofItem(item.itemId()).isEmpty()) {
            return; // done before; nothing of it remains
        }
        Instant now = clock.instant();
        items.stage(item.itemId(), Stage.ROLLING_BACK, now);
        timers.cancel(ItemTimers.PROVISION, item.itemId().toString());
        timers.cancel(ItemTimers.CONFIRM, item.itemId().toString());
        timers.schedule(KIND, item.itemId().toString(), now, requestedBy == null ? "operator" : requestedBy);
    }

    private static int order(ResourceKind k) {
        return switch (k) {
            case CLIENT_KEY -> 0;
            case SUBSCRIPTION, CONSUMER -> 1;
            case CHANNEL -> 2;
            case GROUP -> 3;
        };
    }

    @Override
    public void fire(DurableTimers.Fired t) {
        UUID itemId = UUID.fromString(t.key());
        Optional<Item> found = items.find(itemId, false);
        if (found.isEmpty() || found.get().stage() != Stage.ROLLING_BACK) {
            tx.executeWithoutResult(s -> timers.complete(t));
            return;
        }
        Item item = found.get();
        List<ManagedResource> removed = new ArrayList<>();
        try {
            List<ResourceLedger.Entry> own = new ArrayList<>(ledger.ofItem(itemId));
            own.sort(Comparator.comparingInt(e -> order(e.type())));
            if (!own.isEmpty()) {
                EdgeAdmin admin = admins.forHost(item.hostId());
                for (ResourceLedger.Entry e : own) {
                    remove(admin, e, removed);
                }
            }
            // the run's key and group go when nothing else of the run is left on the host
            boolean lastOfRun = ledger.itemResourcesOfRun(item.runId()) == 0
                    && items.ofRun(item.runId(), false).stream()
                            .filter(o -> !o.itemId().equals(itemId))
                            .noneMatch(o -> o.stage() == Stage.PROVISIONING);
            if (lastOfRun) {
                List<ResourceLedger.Entry> run = new ArrayList<>(ledger.runLevel(item.runId()));
                run.sort(Comparator.comparingInt(e -> order(e.type())));
                if (!run.isEmpty()) {
                    EdgeAdmin admin = admins.forHost(item.hostId());
                    for (ResourceLedger.Entry e : run) {
                        remove(admin, e, removed);
                    }
                }
            }
        } catch (EdgeAdminException e) {
            Duration wait = Duration.ofSeconds(Math.min(60, 1L << Math.min(t.attempts(), 6)));
            log.warn("rollback of item {} failed ({}), retrying in {}", itemId, e.getMessage(), wait);
            tx.executeWithoutResult(s -> timers.reschedule(t, clock.instant().plus(wait), t.payload()));
            return;
        }
        String by = t.payload() == null ? "operator" : t.payload();
        tx.executeWithoutResult(s -> {
            Item now = items.find(itemId, true).orElse(null);
            if (now == null || now.stage() != Stage.ROLLING_BACK || !timers.complete(t)) {
                s.setRollbackOnly();
                return;
            }
            Instant at = clock.instant();
            items.stage(itemId, Stage.ROLLED_BACK, at);
            outbox.append(
                    new ItemRolledBack(item.runId(), itemId, removed, "rolled back by the ledger, asked by " + by, at));
        });
    }

    /** Deletes one recorded resource (gone already counts) and its ledger row; a group still in use is kept. */
    private void remove(EdgeAdmin admin, ResourceLedger.Entry e, List<ManagedResource> removed) {
        try {
            admin.delete(dev.relay.access.repair.Repairs.adminKind(e.type()), e.hostResourceId());
        } catch (EdgeAdminException ex) {
            if (e.type() == ResourceKind.GROUP && ex.status() == 409) {
                // something Relay did not create still uses the group: leave both alone, keep the ledger row
                log.warn(
                        "group {} of run {} is in use by resources outside the ledger; kept",
                        e.hostResourceId(),
                        e.runId());
                return;
            }
            throw ex;
        }
        tx.executeWithoutResult(s -> {
            ledger.remove(e.id());
            if (e.type() == ResourceKind.CLIENT_KEY) {
                grants.revoke(e.hostId(), e.hostResourceId());
            }
        });
        removed.add(e.asManaged());
    }
}
