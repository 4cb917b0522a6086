package dev.relay.reconcile.passes;

import dev.relay.contracts.DriftDetected.DriftKind;
import dev.relay.contracts.ItemReprobed;
import dev.relay.contracts.ManagedResource;
import dev.relay.contracts.ManagedResource.ResourceKind;
import dev.relay.contracts.ResourceRepairFailed;
import dev.relay.contracts.ResourceRepairRequested;
import dev.relay.contracts.ResourceRepaired;
import dev.relay.contracts.RunCompleted;
import dev.relay.outbox.DurableTimers;
import dev.relay.outbox.OutboxWriter;
import dev.relay.reconcile.ledger.LedgerView;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Starting passes (operator, schedule, a completed run) and taking the answers to the repairs they asked for. */
@Component
public class Passes {

    private final PassStore store;
    private final LedgerView ledger;
    private final DurableTimers timers;
    private final OutboxWriter outbox;
    private final PassRunner runner;
    private final Clock clock;
    private final dev.relay.reconcile.ReconcileProperties properties;

    public Passes(
            PassStore store,
            LedgerView ledger,
            DurableTimers timers,
            OutboxWriter outbox,
            PassRunner runner,
            Clock clock,
            dev.relay.reconcile.ReconcileProperties properties) {
        this.properties = properties;
        this.store = store;
        this.ledger = ledger;
        this.timers = timers;
        this.outbox = outbox;
        this.runner = runner;
        this.clock = clock;
    }

    /** A new pass, due now; in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Pass request(UUID runId, Boolean repair, String trigger, String requestedBy) {
        return request(runId, repair, trigger, requestedBy, java.time.Duration.ZERO);
    }

    private Pass request(UUID runId, Boolean repair, String trigger, String requestedBy, java.time.Duration delay) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        store.create(id, runId, trigger, repair, requestedBy, now);
        timers.schedule(PassRunner.KIND, id.toString(), now.plus(delay), null);
        return store.find(id, false).orElseThrow();
    }

    /** Every completed run is checked once right away (with its policy). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void runCompleted(RunCompleted e) {
        if (ledger.knowsRun(e.runId())) {
            request(e.runId(), null, "run_completed", "run.completed", properties.afterRunDelay());
        }
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void repaired(ResourceRepaired e) {
        ledger.repaired(e);
        if (e.reconcileId() == null) {
            return;
        }
        answered(
                e.reconcileId(),
                e.resource(),
                "repaired",
                "repaired by access-service as " + e.current().id());
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void repairFailed(ResourceRepairFailed e) {
        if (e.reconcileId() == null) {
            return;
        }
        answered(
                e.reconcileId(),
                e.resource(),
                "failed",
                "access-service could not repair it (" + e.classification() + "): " + e.detail());
    }

    /** access-service answered a repair: the pass's open findings about that resource take the answer. */
    private void answered(UUID passId, ManagedResource r, String repair, String detail) {
        Instant now = clock.instant();
        for (PassStore.StoredFinding f :
                store.openFor(passId, r.hostId(), r.kind().name(), r.externalRef())) {
            store.repairState(f.id(), repair, detail, now);
        }
        runner.finishRepairs(passId, false);
    }

    /** A re-probe asked for an auto-disabled channel answered: re-enable only when the upstream passes again. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void reprobed(ItemReprobed e) {
        if (e.reconcileId() == null) {
            return;
        }
        Instant now = clock.instant();
        for (PassStore.StoredFinding f : store.reprobingFor(e.reconcileId(), e.itemId())) {
            if (e.passed()) {
                ManagedResource resource = new ManagedResource(
                        f.hostId(),
                        ResourceKind.valueOf(f.resourceKind()),
                        f.resourceId(),
                        f.externalRef(),
                        f.specHash());
                outbox.append(new ResourceRepairRequested(
                        e.reconcileId(), f.runId(), f.itemId(), resource, DriftKind.DISABLED, now));
                store.repairState(f.id(), "requested", "the upstream passes a re-probe: re-enabling", now);
            } else {
                store.repairState(
                        f.id(),
                        "failed",
                        "the upstream still fails a re-probe (" + e.classification() + "): " + e.detail()
                                + "; the channel stays disabled",
                        now);
            }
        }
        runner.finishRepairs(e.reconcileId(), false);
    }
}
