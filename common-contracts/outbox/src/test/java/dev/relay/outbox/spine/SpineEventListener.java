package dev.relay.outbox.spine;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.EventType;
import dev.relay.contracts.ItemConfirmed;
import dev.relay.outbox.EventDispatcher;
import dev.relay.outbox.InboxGuard;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Thin adapter on the listener template: typed handlers, everything else on the topic explicitly ignored. */
@Component
class SpineEventListener {

    private final JdbcClient jdbc;
    private final EventDispatcher dispatcher;

    SpineEventListener(InboxGuard inbox, JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.dispatcher = EventDispatcher.forConsumer(SpineApplication.CONSUMER, inbox, tx)
                .on(ItemConfirmed.class, (e, envelope) -> applied(envelope, e))
                .ignoring(EventType.ITEM_SUBMITTED, EventType.ITEM_STAGE_STARTED)
                .build();
    }

    @KafkaListener(topics = SpineApplication.ITEM_TOPIC, groupId = "outbox-spine-it", batch = "true")
    public void on(List<ConsumerRecord<String, String>> records) {
        dispatcher.dispatchAll(records); // one transaction per poll (EventDispatcher#dispatchAll)
    }

    private void applied(EventEnvelope envelope, ItemConfirmed event) {
        jdbc.sql("INSERT INTO spine_effect (event_id, item_id, event_type, attempt)"
                        + " VALUES (:eventId, :itemId, :type, :attempt)")
                .param("eventId", envelope.id())
                .param("itemId", event.itemId())
                .param("type", envelope.type().wireName())
                .param("attempt", event.attempt())
                .update();
    }
}
