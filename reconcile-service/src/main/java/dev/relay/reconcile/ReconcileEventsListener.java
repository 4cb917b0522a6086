package dev.relay.reconcile;

import dev.relay.contracts.EventType;
import dev.relay.contracts.HostRegistered;
import dev.relay.contracts.HostUpdated;
import dev.relay.contracts.ItemConfirmationFailed;
import dev.relay.contracts.ItemConfirmed;
import dev.relay.contracts.ItemProvisioned;
import dev.relay.contracts.ItemReprobed;
import dev.relay.contracts.ItemRolledBack;
import dev.relay.contracts.ResourceRepairFailed;
import dev.relay.contracts.ResourceRepaired;
import dev.relay.contracts.RunCompleted;
import dev.relay.contracts.Topics;
import dev.relay.outbox.EventDispatcher;
import dev.relay.outbox.InboxGuard;
import dev.relay.reconcile.hosts.Hosts;
import dev.relay.reconcile.ledger.LedgerView;
import dev.relay.reconcile.passes.Passes;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * reconcile-service's events: hosts; the ledger view (provisioned, rolled back, repaired); ready items; a completed
 * run (a pass right away); the answers to the repairs and re-probes a pass asked for. Each once (inbox), with its
 * effect, in one transaction.
 */
@Component
public class ReconcileEventsListener {

    static final String CONSUMER = "reconcile-service";

    private final EventDispatcher dispatcher;

    public ReconcileEventsListener(
            InboxGuard inbox, TransactionTemplate tx, Hosts hosts, LedgerView ledger, Passes passes) {
        this.dispatcher = EventDispatcher.forConsumer(CONSUMER, inbox, tx)
                .on(HostRegistered.class, (e, env) -> hosts.registered(e))
                .on(HostUpdated.class, (e, env) -> hosts.updated(e))
                .on(ItemProvisioned.class, (e, env) -> ledger.provisioned(e))
                .on(ItemConfirmed.class, (e, env) -> ledger.confirmed(e))
                .on(ItemConfirmationFailed.class, (e, env) -> ledger.confirmationFailed(e))
                .on(ItemRolledBack.class, (e, env) -> ledger.rolledBack(e))
                .on(ItemReprobed.class, (e, env) -> passes.reprobed(e))
                .on(RunCompleted.class, (e, env) -> passes.runCompleted(e))
                .on(ResourceRepaired.class, (e, env) -> passes.repaired(e))
                .on(ResourceRepairFailed.class, (e, env) -> passes.repairFailed(e))
                .ignoring(
                        EventType.ITEM_SUBMITTED,
                        EventType.ITEM_STAGE_STARTED,
                        EventType.ITEM_DUPLICATE,
                        EventType.ITEM_CANCELLED,
                        EventType.ITEM_PROBED,
                        EventType.ITEM_PROBE_FAILED,
                        EventType.ITEM_PROVISION_FAILED,
                        EventType.ITEM_RETRY_REQUESTED,
                        EventType.ITEM_CANCEL_REQUESTED,
                        EventType.ITEM_ROLLBACK_REQUESTED,
                        EventType.ITEM_REPROBE_REQUESTED,
                        EventType.RUN_ROLLBACK_REQUESTED,
                        EventType.RESOURCE_REPAIR_REQUESTED)
                .build();
    }

    @KafkaListener(
            topics = {Topics.HOST, Topics.IMPORT_ITEM, Topics.IMPORT_RUN, Topics.RESOURCE},
            groupId = "${relay.reconcile.consumer-group:reconcile-service}",
            concurrency = "2",
            batch = "true")
    public void on(List<ConsumerRecord<String, String>> records) {
        dispatcher.dispatchAll(records); // one transaction per poll (EventDispatcher#dispatchAll)
    }
}
