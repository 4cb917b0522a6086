package dev.relay.imports.projection;

import dev.relay.contracts.EventType;
import dev.relay.contracts.ItemCancelRequested;
import dev.relay.contracts.ItemCancelled;
import dev.relay.contracts.ItemConfirmationFailed;
import dev.relay.contracts.ItemConfirmed;
import dev.relay.contracts.ItemDuplicate;
import dev.relay.contracts.ItemProbeFailed;
import dev.relay.contracts.ItemProbed;
import dev.relay.contracts.ItemProvisionFailed;
import dev.relay.contracts.ItemProvisioned;
import dev.relay.contracts.ItemRetryRequested;
import dev.relay.contracts.ItemRolledBack;
import dev.relay.contracts.ItemStageStarted;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.contracts.Topics;
import dev.relay.outbox.EventDispatcher;
import dev.relay.outbox.InboxGuard;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** The projection's thin adapter on the listener template: every item event, each applied once. */
@Component
public class ItemEventsListener {

    public static final String CONSUMER = "import-service.projection";

    private final EventDispatcher dispatcher;

    public ItemEventsListener(InboxGuard inbox, TransactionTemplate tx, RunProjection p) {
        this.dispatcher = EventDispatcher.forConsumer(CONSUMER, inbox, tx)
                .on(ItemSubmitted.class, p::submitted)
                .on(ItemDuplicate.class, p::duplicate)
                .on(ItemStageStarted.class, p::stageStarted)
                .on(ItemProbed.class, p::probed)
                .on(ItemProbeFailed.class, p::probeFailed)
                .on(ItemProvisioned.class, p::provisioned)
                .on(ItemProvisionFailed.class, p::provisionFailed)
                .on(ItemConfirmed.class, p::confirmed)
                .on(ItemConfirmationFailed.class, p::confirmationFailed)
                .on(ItemRolledBack.class, p::rolledBack)
                .on(ItemCancelled.class, p::cancelled)
                .on(ItemCancelRequested.class, p::cancelRequested)
                .on(ItemRetryRequested.class, p::retryRequested)
                // access-service and reconcile-service act on these; the projection shows their results instead
                .ignoring(EventType.ITEM_ROLLBACK_REQUESTED, EventType.ITEM_REPROBE_REQUESTED, EventType.ITEM_REPROBED)
                .build();
    }

    @KafkaListener(topics = Topics.IMPORT_ITEM, groupId = "import-service", concurrency = "3", batch = "true")
    public void on(List<ConsumerRecord<String, String>> records) {
        dispatcher.dispatchAll(records); // one transaction per poll (EventDispatcher#dispatchAll)
    }
}
