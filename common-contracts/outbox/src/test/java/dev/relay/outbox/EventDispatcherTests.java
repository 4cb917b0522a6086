package dev.relay.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.EventType;
import dev.relay.contracts.ItemCancelled;
import dev.relay.contracts.ItemStage;
import dev.relay.contracts.ItemStageStarted;
import dev.relay.contracts.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The template's routing decisions that need no database: unknown types are dead-lettered, ignored ones skipped. */
class EventDispatcherTests {

    private static ConsumerRecord<String, String> record(EventEnvelope e) {
        ConsumerRecord<String, String> r =
                new ConsumerRecord<>(e.topic(), 0, 7L, e.aggregateId(), EventCodec.toJson(e));
        r.headers().add(InboundEvents.HEADER_ID, e.id().toString().getBytes(StandardCharsets.UTF_8));
        r.headers().add(InboundEvents.HEADER_EVENT_TYPE, e.type().wireName().getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private final EventDispatcher dispatcher = EventDispatcher.forConsumer("test", null, null)
            .on(ItemCancelled.class, (e, env) -> {})
            .ignoring(EventType.ITEM_PROBED)
            .build();

    @Test
    void deadLettersAKnownTypeTheConsumerNeitherHandlesNorIgnores() {
        EventEnvelope e = EventEnvelope.wrap(
                new ItemStageStarted(UUID.randomUUID(), UUID.randomUUID(), 1, ItemStage.PROBING, Instant.now()), null);
        assertThatThrownBy(() -> dispatcher.dispatch(record(e)))
                .isInstanceOf(EventDispatcher.UnhandledEventException.class)
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("item.stage-started");
    }

    @Test
    void refusesAHandlerForAnIgnoredTypeAndTwoHandlersForOne() {
        assertThatThrownBy(() -> EventDispatcher.forConsumer("t", null, null)
                        .on(ItemCancelled.class, (e, env) -> {})
                        .ignoring(EventType.ITEM_CANCELLED)
                        .build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> EventDispatcher.forConsumer("t", null, null)
                        .on(ItemCancelled.class, (e, env) -> {})
                        .on(ItemCancelled.class, (e, env) -> {}))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readsHeadersLoudlyBeforeAnything() {
        EventEnvelope e =
                EventEnvelope.wrap(new ItemCancelled(UUID.randomUUID(), UUID.randomUUID(), "x", Instant.now()), null);
        ConsumerRecord<String, String> noHeaders =
                new ConsumerRecord<>(e.topic(), 0, 1L, e.aggregateId(), EventCodec.toJson(e));
        assertThatThrownBy(() -> dispatcher.dispatch(noHeaders)).isInstanceOf(MalformedEventException.class);
        assertThat(EventType.ITEM_PROBED.wireName()).isEqualTo("item.probed");
    }
}
