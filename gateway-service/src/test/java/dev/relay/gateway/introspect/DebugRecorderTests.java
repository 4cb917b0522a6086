package dev.relay.gateway.introspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebugRecorderTests {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final byte[] REQUEST =
            "{\"messages\":[{\"role\":\"user\",\"content\":\"secret prompt\"}]}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RESPONSE =
            "{\"choices\":[{\"message\":{\"content\":\"secret reply\"}}]}".getBytes(StandardCharsets.UTF_8);

    private final MutableClock clock = new MutableClock(T0);

    private static DebugRecorder.Entry entry(String id) {
        return entry(id, "key");
    }

    /** An entry as the edge records it: with both bodies. */
    private static DebugRecorder.Entry entry(String id, String keyId) {
        return new DebugRecorder.Entry(
                Instant.EPOCH,
                id,
                "openai.chat",
                "POST",
                "/v1/chat/completions",
                new org.springframework.http.HttpHeaders(),
                keyId,
                "m",
                "ch",
                List.of("ch"),
                false,
                200,
                "ok",
                1,
                REQUEST,
                REQUEST.length,
                RESPONSE,
                RESPONSE.length);
    }

    private DebugRecorder recorder() {
        return new DebugRecorder(10, 1024, clock, false);
    }

    private static DebugRecorder.Entry only(DebugRecorder r, String requestId) {
        return r.recent(100).stream()
                .filter(e -> e.requestId().equals(requestId))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void keepsOnlyTheNewestEntriesNewestFirst() {
        DebugRecorder r = new DebugRecorder(3, 1024);
        for (int i = 1; i <= 5; i++) {
            r.record(entry("r" + i));
        }
        assertThat(r.recent(10)).extracting(DebugRecorder.Entry::requestId).containsExactly("r5", "r4", "r3");
        assertThat(r.recent(2)).extracting(DebugRecorder.Entry::requestId).containsExactly("r5", "r4");
    }

    @Test
    void aDisabledRecorderKeepsNothing() {
        DebugRecorder.DISABLED.record(entry("x"));
        assertThat(DebugRecorder.DISABLED.enabled()).isFalse();
        assertThat(DebugRecorder.DISABLED.recent(5)).isEmpty();
        assertThatThrownBy(() -> DebugRecorder.DISABLED.capture("key", Duration.ofMinutes(5)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keepsMetadataOnlyByDefault() {
        DebugRecorder r = recorder();
        r.record(entry("a", "key-1"));
        r.record(entry("b", null));

        for (DebugRecorder.Entry e : r.recent(10)) {
            assertThat(e.requestBody()).as(e.requestId()).isNull();
            assertThat(e.responseBody()).as(e.requestId()).isNull();
            assertThat(e.requestBytes()).isEqualTo(REQUEST.length);
            assertThat(e.responseBytes()).isEqualTo(RESPONSE.length);
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.publicModel()).isEqualTo("m");
        }
        assertThat(r.captures()).isEmpty();
        assertThat(r.capturesBodies("key-1")).isFalse();
        assertThat(new DebugRecorder(10, 1024).capturesBodies("key-1"))
                .as("the two-argument constructor captures nothing either")
                .isFalse();
    }

    @Test
    void aKeyCaptureKeepsThatKeysBodiesOnlyUntilItExpires() {
        DebugRecorder r = recorder();
        DebugRecorder.Capture c = r.capture("key-1", Duration.ofMinutes(30));
        assertThat(c).isEqualTo(new DebugRecorder.Capture("key-1", T0, T0.plus(Duration.ofMinutes(30))));
        assertThat(r.captures()).containsExactly(c);

        r.record(entry("captured", "key-1"));
        r.record(entry("other", "key-2"));
        r.record(entry("anonymous", null));

        assertThat(only(r, "captured").requestBody()).isEqualTo(REQUEST);
        assertThat(only(r, "captured").responseBody()).isEqualTo(RESPONSE);
        assertThat(only(r, "other").requestBody()).isNull();
        assertThat(only(r, "other").responseBody()).isNull();
        assertThat(only(r, "anonymous").requestBody()).isNull();

        clock.advance(Duration.ofMinutes(30).minusMillis(1));
        r.record(entry("just-before", "key-1"));
        assertThat(only(r, "just-before").requestBody()).isEqualTo(REQUEST);

        clock.advance(Duration.ofMillis(1));
        r.record(entry("expired", "key-1"));
        assertThat(only(r, "expired").requestBody()).isNull();
        assertThat(only(r, "expired").responseBody()).isNull();
        assertThat(r.captures()).isEmpty();
        assertThat(only(r, "captured").requestBody())
                .as("what was captured stays until the ring overwrites it")
                .isEqualTo(REQUEST);
    }

    @Test
    void aGlobalCaptureKeepsEveryBodyUntilTurnedOffOrExpired() {
        DebugRecorder r = recorder();
        r.capture(null, T0.plus(Duration.ofHours(1)));
        r.record(entry("k", "key-9"));
        r.record(entry("anonymous", null));
        assertThat(only(r, "k").requestBody()).isEqualTo(REQUEST);
        assertThat(only(r, "anonymous").responseBody()).isEqualTo(RESPONSE);

        assertThat(r.stopCapture(null)).isTrue();
        r.record(entry("off", "key-9"));
        assertThat(only(r, "off").requestBody()).isNull();

        r.capture(null, Duration.ofMinutes(1));
        r.capture("key-9", Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(2));
        r.record(entry("key-still", "key-9"));
        r.record(entry("global-gone", "key-8"));
        assertThat(only(r, "key-still").requestBody()).isEqualTo(REQUEST);
        assertThat(only(r, "global-gone").requestBody()).isNull();
        assertThat(r.captures()).extracting(DebugRecorder.Capture::keyId).containsExactly("key-9");

        r.stopAllCaptures();
        r.record(entry("all-off", "key-9"));
        assertThat(only(r, "all-off").requestBody()).isNull();
    }

    @Test
    void theStartupSettingCapturesGloballyWithoutExpiryUntilTurnedOff() {
        DebugRecorder r = new DebugRecorder(10, 1024, clock, true);
        assertThat(r.captures()).containsExactly(new DebugRecorder.Capture(null, T0, null));
        clock.advance(Duration.ofDays(30));
        r.record(entry("late", "k"));
        assertThat(only(r, "late").requestBody()).isEqualTo(REQUEST);
        r.stopCapture(null);
        r.record(entry("after", "k"));
        assertThat(only(r, "after").requestBody()).isNull();
    }

    @Test
    void refusesCapturesThatDoNotEndOrLastOverADay() {
        DebugRecorder r = recorder();
        assertThatThrownBy(() -> r.capture("k", T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.capture("k", T0.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.capture(null, Duration.ofHours(24).plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(r.capture(null, Duration.ofHours(24)).until()).isEqualTo(T0.plus(Duration.ofHours(24)));
        assertThat(r.capture("k", Duration.ofMinutes(5)).until()).isEqualTo(T0.plusSeconds(300));
        assertThat(r.capture("k", Duration.ofMinutes(1)).until())
                .as("a new capture of the same key replaces the old one, also shortening it")
                .isEqualTo(T0.plusSeconds(60));
        assertThat(r.captures()).hasSize(2);
        assertThat(r.captures().getFirst().global()).isTrue();
    }

    static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
