package dev.relay.access.events;

import dev.relay.access.hosts.Hosts;
import dev.relay.access.provisioning.Intake;
import dev.relay.access.repair.Repairs;
import dev.relay.access.rollback.Rollbacks;
import dev.relay.contracts.EventType;
import dev.relay.contracts.HostRegistered;
import dev.relay.contracts.HostUpdated;
import dev.relay.contracts.ItemCancelled;
import dev.relay.contracts.ItemProbed;
import dev.relay.contracts.ItemRollbackRequested;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.contracts.ResourceRepairRequested;
import dev.relay.contracts.RunRollbackRequested;
import dev.relay.contracts.Topics;
import dev.relay.outbox.EventDispatcher;
import dev.relay.outbox.InboxGuard;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** access-service's thin adapter on the listener template: hosts, item stages, rollback and repair commands. */
@Component
public class AccessEventsListener {

    static final String CONSUMER = "access-service";

    private final EventDispatcher dispatcher;

    public AccessEventsListener(
            InboxGuard inbox,
            TransactionTemplate tx,
            Hosts hosts,
            Intake intake,
            Rollbacks rollbacks,
            Repairs repairs) {
        this.dispatcher = EventDispatcher.forConsumer(CONSUMER, inbox, tx)
                .on(HostRegistered.class, (e, env) -> hosts.registered(e))
                .on(HostUpdated.class, (e, env) -> hosts.updated(e))
                .on(ItemSubmitted.class, (e, env) -> intake.submitted(e))
                .on(ItemProbed.class, (e, env) -> intake.probed(e))
                .on(ItemCancelled.class, (e, env) -> intake.cancelled(e))
                .on(ItemRollbackRequested.class, (e, env) -> rollbacks.requested(e))
                .on(RunRollbackRequested.class, (e, env) -> rollbacks.requested(e))
                .on(ResourceRepairRequested.class, (e, env) -> repairs.requested(e))
                .ignoring(
                        EventType.ITEM_STAGE_STARTED,
                        EventType.ITEM_DUPLICATE,
                        EventType.ITEM_PROBE_FAILED,
                        EventType.ITEM_PROVISIONED,
                        EventType.ITEM_PROVISION_FAILED,
                        EventType.ITEM_CONFIRMED,
                        EventType.ITEM_CONFIRMATION_FAILED,
                        EventType.ITEM_ROLLED_BACK,
                        EventType.ITEM_RETRY_REQUESTED,
                        EventType.ITEM_CANCEL_REQUESTED,
                        EventType.ITEM_REPROBE_REQUESTED,
                        EventType.ITEM_REPROBED,
                        EventType.RUN_COMPLETED,
                        EventType.RESOURCE_REPAIRED,
                        EventType.RESOURCE_REPAIR_FAILED)
                .build();
    }

    @KafkaListener(
            topics = {Topics.HOST, Topics.IMPORT_ITEM, Topics.IMPORT_RUN, Topics.RESOURCE},
            groupId = "${relay.access.consumer-group:access-service}",
            concurrency = "3",
            batch = "true")
    public void on(List<ConsumerRecord<String, String>> records) {
        dispatcher.dispatchAll(records); // one transaction per poll (EventDispatcher#dispatchAll)
    }
}
