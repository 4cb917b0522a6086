package dev.relay.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTests {

    static java.util.List<RelayEvent> events() {
        return Events.oneOfEach();
    }

    @ParameterizedTest
    @MethodSource("events")
    void roundTripsEveryEventThroughJsonUnchanged(RelayEvent event) {
        EventEnvelope envelope = EventEnvelope.wrap(event, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        String json = EventCodec.toJson(envelope);
        EventEnvelope back = EventCodec.fromJson(json);

        assertThat(back).isEqualTo(envelope);
        assertThat(json).contains("\"type\":\"" + event.eventType().wireName() + "\"");
        assertThat(json).doesNotContain(event.getClass().getName());
    }

    @Test
    void coversEveryEventTypeWithAFixture() {
        Set<EventType> covered = events().stream().map(RelayEvent::eventType).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrder(EventType.values());
    }

    @Test
    void mapsEveryPermittedRecordToExactlyOneWireType() {
        Set<Class<?>> records = new HashSet<>();
        collectRecords(RelayEvent.class, records);
        Set<Class<?>> mapped =
                Arrays.stream(EventType.values()).map(EventType::recordType).collect(Collectors.toSet());
        assertThat(mapped).hasSize(EventType.values().length).isEqualTo(records);
    }

    @Test
    void keysItemEventsByItemIdSoOneItemStaysOrdered() {
        EventEnvelope e = EventEnvelope.wrap(events().get(2), null); // item.submitted
        assertThat(e.aggregateId()).isEqualTo(Events.ITEM.toString());
        assertThat(e.runId()).isEqualTo(Events.RUN);
        assertThat(e.topic()).isEqualTo(Topics.IMPORT_ITEM);
    }

    @Test
    void topicConstantsMatchTheirAggregateTypes() {
        assertThat(Topics.IMPORT_ITEM).isEqualTo(AggregateType.IMPORT_ITEM.topic());
        assertThat(Topics.IMPORT_RUN).isEqualTo(AggregateType.IMPORT_RUN.topic());
        assertThat(Topics.RECONCILE).isEqualTo(AggregateType.RECONCILE.topic());
        assertThat(Topics.GATEWAY_CONFIG).isEqualTo(AggregateType.GATEWAY_CONFIG.topic());
        assertThat(Topics.GATEWAY_CHANNEL).isEqualTo(AggregateType.GATEWAY_CHANNEL.topic());
        assertThat(Topics.USAGE).isEqualTo(AggregateType.USAGE.topic());
        assertThat(Topics.HOST).isEqualTo(AggregateType.HOST.topic());
        assertThat(Topics.RESOURCE).isEqualTo(AggregateType.RESOURCE.topic());
    }

    @Test
    void rejectsUnknownTypeLoudly() {
        String json = EventCodec.toJson(EventEnvelope.wrap(events().get(2), null))
                .replace("\"item.submitted\"", "\"item.teleported\"");
        assertThatThrownBy(() -> EventCodec.fromJson(json))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("item.teleported");
    }

    @Test
    void rejectsMissingRequiredDataField() {
        String json = "{\"id\":\"" + UUID.randomUUID()
                + "\",\"type\":\"item.confirmed\",\"schemaVersion\":1,\"occurredAt\":\"2026-11-22T08:00:00Z\","
                + "\"aggregateType\":\"import-item\",\"aggregateId\":\"x\",\"data\":{\"runId\":\"" + Events.RUN
                + "\",\"itemId\":\"" + Events.ITEM
                + "\",\"smokeModel\":\"m\",\"occurredAt\":\"2026-11-22T08:00:00Z\"}}";
        assertThatThrownBy(() -> EventCodec.fromJson(json)).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void rejectsFutureSchemaVersionAndGarbage() {
        String json = EventCodec.toJson(EventEnvelope.wrap(events().get(5), null))
                .replace("\"schemaVersion\":1", "\"schemaVersion\":9");
        assertThatThrownBy(() -> EventCodec.fromJson(json)).hasMessageContaining("schemaVersion 9");
        assertThatThrownBy(() -> EventCodec.fromJson("not json")).isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> EventCodec.fromJson("[1]")).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void ignoresUnknownFieldsWithinAKnownVersion() {
        String json = EventCodec.toJson(EventEnvelope.wrap(events().get(5), null))
                .replace("\"smokeModel\"", "\"addedLater\":true,\"smokeModel\"");
        assertThat(EventCodec.fromJson(json).data()).isEqualTo(events().get(5));
    }

    @Test
    void neverPrintsSealedSecretCiphertextInToString() {
        SealedSecret s = new SealedSecret("k1", "c2VjcmV0Y2lwaGVy", "sk-…a1b2");
        assertThat(s.toString()).doesNotContain("c2VjcmV0Y2lwaGVy").contains("sk-…a1b2");
    }

    private static void collectRecords(Class<?> type, Set<Class<?>> out) {
        if (type.isRecord()) {
            out.add(type);
            return;
        }
        for (Class<?> sub : type.getPermittedSubclasses()) {
            collectRecords(sub, out);
        }
    }

    @Test
    void writesTheSameJsonAsTheTreeFormForEveryEventType() {
        for (RelayEvent event : events()) {
            EventEnvelope e = EventEnvelope.wrap(event, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
            assertThat(EventCodec.toJson(e))
                    .as(event.eventType().wireName())
                    .isEqualTo(EventCodec.toTree(e).toString());
            assertThat(EventCodec.fromJson(EventCodec.toJson(e)).data()).isEqualTo(event);
        }
    }
}
