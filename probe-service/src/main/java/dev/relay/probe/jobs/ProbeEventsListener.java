package dev.relay.probe.jobs;

import dev.relay.contracts.EventType;
import dev.relay.contracts.ItemCancelled;
import dev.relay.contracts.ItemReprobeRequested;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.contracts.Topics;
import dev.relay.outbox.EventDispatcher;
import dev.relay.outbox.InboxGuard;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** probe-service's thin adapter on the listener template: submissions, cancellations and re-probe requests. */
@Component
public class ProbeEventsListener {

    static final String CONSUMER = "probe-service";

    private final EventDispatcher dispatcher;

    public ProbeEventsListener(InboxGuard inbox, TransactionTemplate tx, ProbeJobs jobs) {
        this.dispatcher = EventDispatcher.forConsumer(CONSUMER, inbox, tx)
                .on(ItemSubmitted.class, jobs::accept)
                .on(ItemCancelled.class, jobs::cancel)
                .on(ItemReprobeRequested.class, jobs::reprobe)
                .ignoring(
                        EventType.ITEM_STAGE_STARTED,
                        EventType.ITEM_DUPLICATE,
                        EventType.ITEM_PROBED,
                        EventType.ITEM_PROBE_FAILED,
                        EventType.ITEM_PROVISIONED,
                        EventType.ITEM_PROVISION_FAILED,
                        EventType.ITEM_CONFIRMED,
                        EventType.ITEM_CONFIRMATION_FAILED,
                        EventType.ITEM_ROLLED_BACK,
                        EventType.ITEM_RETRY_REQUESTED,
                        EventType.ITEM_CANCEL_REQUESTED,
                        EventType.ITEM_ROLLBACK_REQUESTED,
                        EventType.ITEM_REPROBED)
                .build();
    }

    @KafkaListener(topics = Topics.IMPORT_ITEM, groupId = "probe-service", concurrency = "3", batch = "true")
    public void on(List<ConsumerRecord<String, String>> records) {
        dispatcher.dispatchAll(records); // one transaction per poll (EventDispatcher#dispatchAll)
    }
}
