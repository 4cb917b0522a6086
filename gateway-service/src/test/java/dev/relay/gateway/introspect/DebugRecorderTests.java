package dev.relay.gateway.introspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebugRecorderTests {

    private static DebugRecorder.Entry entry(String id) {
        return new DebugRecorder.Entry(
                Instant.EPOCH,
                id,
                "openai.chat",
                "POST",
                "/v1/chat/completions",
                new org.springframework.http.HttpHeaders(),
                "key",
                "m",
                "ch",
                List.of("ch"),
                false,
                200,
                "ok",
                1,
                null,
                0,
                null,
                0);
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
    }
}
