package dev.relay.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.GatewayConfigChanged;
import dev.relay.contracts.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** A journal line is the envelope JSON, and replaying it produces exactly the record the direct path sends. */
class JournalLineTests {

    @Test
    void derivesTheSameEventIdFromTheSameRequestIdEveryTime() {
        assertThat(UsageRecords.eventId("req_1")).isEqualTo(UsageRecords.eventId("req_1"));
        assertThat(UsageRecords.eventId("req_1")).isNotEqualTo(UsageRecords.eventId("req_2"));
        assertThat(UsageRecords.eventId("req_1"))
                .isEqualTo(UUID.nameUUIDFromBytes("usage:req_1".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void replaysAJournalLineAsTheVeryRecordTheDirectPathWouldHaveSent() {
        UsageRecords.Outgoing direct = UsageRecords.of(UsageEvents.completedStream("req_42"));
        UsageRecords.Outgoing replayed = UsageRecords.fromJournalLine(direct.json());

        ProducerRecord<String, String> a = direct.toRecord("relay.usage");
        ProducerRecord<String, String> b = replayed.toRecord("relay.usage");
        assertThat(b).isEqualTo(a);
        assertThat(a.key()).isEqualTo("req_42");
        assertThat(a.timestamp())
                .isEqualTo(Instant.parse("2026-01-15T10:15:30.123456Z").toEpochMilli());
        assertThat(header(a, "id")).isEqualTo(UsageRecords.eventId("req_42").toString());
        assertThat(header(a, "eventType")).isEqualTo("usage.recorded");
        assertThat(header(a, "schemaVersion")).isEqualTo("2");
        assertThat(direct.json()).doesNotContain("\n");
        EventEnvelope envelope = EventCodec.fromJson(a.value());
        assertThat(envelope.id()).isEqualTo(UsageRecords.eventId("req_42"));
        assertThat(envelope.data()).isEqualTo(UsageEvents.completedStream("req_42"));
    }

    @Test
    void refusesALineThatIsNotAUsageEvent() {
        String other = EventCodec.toJson(EventEnvelope.wrap(
                new GatewayConfigChanged(1, "channel", "ch_1", GatewayConfigChanged.ChangeKind.CREATED, Instant.now()),
                null));

        assertThatThrownBy(() -> UsageRecords.fromJournalLine(other)).isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> UsageRecords.fromJournalLine("{\"id\":\"trunc"))
                .isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> UsageRecords.fromJournalLine("\0\0\0\0")).isInstanceOf(MalformedEventException.class);
    }

    private static String header(ProducerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
