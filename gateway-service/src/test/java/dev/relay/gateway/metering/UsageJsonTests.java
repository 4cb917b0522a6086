package dev.relay.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.UsageRecorded;
import dev.relay.contracts.UsageRecorded.Outcome;
import dev.relay.contracts.UsageRecorded.TokenUsage;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The hand-written usage envelope is exactly what the contracts' generic codec writes, and reads back the same. */
class UsageJsonTests {

    static Stream<UsageRecorded> events() {
        return Stream.of(
                UsageEvents.completedStream("req_1"),
                new UsageRecorded(
                        "req_\"quoted\"\\back\nline\ttab\u0001\u001f\b\f\r/slash",
                        "gw-é-漢字-😀",
                        UsageRecorded.Purpose.CONFIRMATION,
                        null,
                        null,
                        "anthropic.messages",
                        "claude-\u2028sep",
                        null,
                        null,
                        List.of(),
                        false,
                        TokenUsage.NONE,
                        503,
                        Outcome.FAILED,
                        0,
                        null,
                        0,
                        Instant.parse("2026-01-15T10:15:30Z")),
                new UsageRecorded(
                        "r",
                        "e",
                        UsageRecorded.Purpose.VERIFICATION,
                        "ck",
                        "grp",
                        "openai.responses",
                        "m",
                        "u",
                        "ch_2",
                        List.of("ch_1", "ch_\"2\""),
                        true,
                        new TokenUsage(Long.MAX_VALUE, 1, 2, 3, true),
                        200,
                        Outcome.CLIENT_ABORTED,
                        -1,
                        Long.MIN_VALUE,
                        Integer.MAX_VALUE,
                        Instant.parse("2026-01-15T10:15:30.100Z")));
    }

    @ParameterizedTest
    @MethodSource("events")
    void writesExactlyWhatTheContractsCodecWrites(UsageRecorded usage) {
        UUID id = UsageRecords.eventId(usage.requestId());
        String expected = EventCodec.toJson(EventEnvelope.wrap(id, usage, null));

        String json = UsageJson.envelope(id, usage);

        assertThat(json).isEqualTo(expected);
        assertThat(EventCodec.fromJson(json).data()).isEqualTo(usage);
    }
}
