package dev.relay.outbox.spine;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.ItemConfirmed;
import dev.relay.contracts.ItemEvent;
import dev.relay.contracts.RelayEvent;
import dev.relay.outbox.InboundEvents;
import dev.relay.outbox.InboxGuard;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Thin adapter: read headers (loudly), deserialise into the sealed type, switch, apply once. */
@Component
class SpineEventListener {

    private final InboxGuard inbox;
    private final JdbcClient jdbc;

    SpineEventListener(InboxGuard inbox, JdbcClient jdbc) {
        this.inbox = inbox;
        this.jdbc = jdbc;
    }

    @KafkaListener(topics = SpineApplication.ITEM_TOPIC, groupId = "outbox-spine-it")
    @Transactional
    public void on(ConsumerRecord<String, String> record) {
        EventEnvelope envelope = InboundEvents.read(record);
        if (!inbox.markProcessed(
                SpineApplication.CONSUMER, envelope.id(), envelope.type().wireName())) {
            return;
        }
        RelayEvent data = envelope.data();
        switch (data) {
            case ItemConfirmed e -> applied(envelope, e, e.attempt());
            case ItemEvent e -> applied(envelope, e, 0);
            default -> throw new IllegalStateException("unexpected event on the item topic: " + envelope.type());
        }
    }

    private void applied(EventEnvelope envelope, ItemEvent event, int attempt) {
        jdbc.sql("INSERT INTO spine_effect (event_id, item_id, event_type, attempt)"
                        + " VALUES (:eventId, :itemId, :type, :attempt)")
                .param("eventId", envelope.id())
                .param("itemId", event.itemId())
                .param("type", envelope.type().wireName())
                .param("attempt", attempt)
                .update();
    }
}
