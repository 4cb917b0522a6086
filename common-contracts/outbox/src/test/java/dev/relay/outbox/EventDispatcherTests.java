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

    @Test
    void skipsARecordOfAnIgnoredTypeByItsHeaderWithoutReadingThePayload() {
        ConsumerRecord<String, String> ignoredType = new ConsumerRecord<>("relay.import-item", 0, 3L, "k", "not json");
        ignoredType
                .headers()
                .add(InboundEvents.HEADER_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        ignoredType.headers().add(InboundEvents.HEADER_EVENT_TYPE, "item.probed".getBytes(StandardCharsets.UTF_8));
        assertThat(dispatcher.dispatch(ignoredType)).isEqualTo(EventDispatcher.Outcome.IGNORED);
        dispatcher.dispatchAll(java.util.List.of(ignoredType)); // nothing to apply, nothing thrown

        // a type the consumer handles is read, and the unreadable payload is reported
        ConsumerRecord<String, String> handledType = new ConsumerRecord<>("relay.import-item", 0, 4L, "k", "not json");
        handledType
                .headers()
                .add(InboundEvents.HEADER_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        handledType.headers().add(InboundEvents.HEADER_EVENT_TYPE, "item.cancelled".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> dispatcher.dispatch(handledType)).isInstanceOf(MalformedEventException.class);
    }
}
