package dev.relay.gateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events come out whole and in order however the stream is cut into chunks. */
class SseBufferTests {

    private static final String STREAM = "data: {\"a\":1}\n\n"
            + "event: message_start\r\ndata: {\"b\":\"" + "x".repeat(3000) + "\"}\r\n\r\n"
            + "data: [DONE]\n\n";

    @Test
    void returnsTheSameEventsForEveryWayOfCuttingTheStream() {
        byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
        List<String> whole = events(all, all.length);
        assertThat(whole).hasSize(3);
        assertThat(whole.get(0)).isEqualTo("data: {\"a\":1}\n\n");
        assertThat(whole.get(2)).isEqualTo("data: [DONE]\n\n");
        for (int size : new int[] {1, 2, 3, 7, 100, 511, 512, 513, 4096}) {
            assertThat(events(all, size)).as("chunks of %d bytes", size).isEqualTo(whole);
        }
    }

    @Test
    void keepsAnUnterminatedTailForTheEnd() {
        SseBuffer b = new SseBuffer();
        assertThat(b.events("data: 1\n\ndata: 2".getBytes(StandardCharsets.UTF_8)))
                .hasSize(1);
        assertThat(b.isEmpty()).isFalse();
        assertThat(new String(b.remainder(), StandardCharsets.UTF_8)).isEqualTo("data: 2\n\n");
        assertThat(b.isEmpty()).isTrue();
        assertThat(b.remainder()).isNull();
    }

    private static List<String> events(byte[] all, int chunkSize) {
        SseBuffer b = new SseBuffer();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < all.length; i += chunkSize) {
            byte[] chunk = java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + chunkSize));
            for (byte[] e : b.events(chunk)) {
                out.add(new String(e, StandardCharsets.UTF_8));
            }
        }
        assertThat(b.isEmpty()).isTrue();
        return out;
    }
}
