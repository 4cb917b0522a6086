package dev.relay.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicPassthroughStreamTests {

    private static final String TRANSCRIPT = ""
            + "event: message_start\n"
            + "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-upstream\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":12,"
            + "\"cache_read_input_tokens\":5,\"cache_creation_input_tokens\":2,\"output_tokens\":1}}}\n\n"
            + "event: content_block_start\n"
            + "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
            + "event: ping\ndata: {\"type\":\"ping\"}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi there\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: message_delta\n"
            + "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
            + "\"usage\":{\"output_tokens\":7}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    @Test
    void renamesTheModelInMessageStartAndPassesEveryOtherEventThroughVerbatim() {
        AnthropicPassthroughStream s = new AnthropicPassthroughStream("claude-upstream", "public-claude");
        List<String> out = run(s, TRANSCRIPT, TRANSCRIPT.length());
        assertThat(out).hasSize(7);
        assertThat(out.get(0)).contains("\"model\":\"public-claude\"").doesNotContain("claude-upstream");
        assertThat(String.join("", out.subList(1, 7)))
                .isEqualTo(TRANSCRIPT.substring(TRANSCRIPT.indexOf("event: content_block_start")));
        assertThat(s.completed()).isTrue();
        assertThat(s.usage().promptTokens()).isEqualTo(12);
        assertThat(s.usage().completionTokens()).isEqualTo(7);
        assertThat(s.usage().cacheReadTokens()).isEqualTo(5);
        assertThat(s.usage().cacheWriteTokens()).isEqualTo(2);
        assertThat(s.deliveredText()).isEqualTo("Hi there");
    }

    @Test
    void givesTheSameEventsWhateverTheChunking() {
        List<String> reference = run(new AnthropicPassthroughStream("claude-upstream", "p"), TRANSCRIPT, 1 << 20);
        for (int size = 1; size <= 64; size++) {
            assertThat(run(new AnthropicPassthroughStream("claude-upstream", "p"), TRANSCRIPT, size))
                    .as("chunk size %d", size)
                    .isEqualTo(reference);
        }
    }

    @Test
    void reportsAnInBandErrorAndAnIncompleteStream() {
        String cut = TRANSCRIPT.substring(0, TRANSCRIPT.indexOf("event: content_block_stop"))
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        AnthropicPassthroughStream s = new AnthropicPassthroughStream("claude-upstream", "p");
        List<String> out = run(s, cut, 7);
        assertThat(out.getLast()).startsWith("event: error");
        assertThat(s.completed()).isFalse();
        assertThat(s.erroredInBand()).isTrue();
        assertThat(s.fail("upstream ended the stream without completing it", "upstream_incomplete"))
                .as("the client already got the upstream's error event")
                .isEmpty();
    }

    @Test
    void anUpstreamFailureBeforeMessageStopEndsTheStreamWithExactlyOneErrorEvent() {
        String cut = TRANSCRIPT.substring(0, TRANSCRIPT.indexOf("event: content_block_stop"));
        AnthropicPassthroughStream s = new AnthropicPassthroughStream("claude-upstream", "p");
        run(s, cut, 9);

        List<byte[]> first = s.fail("upstream connection failed mid-stream", "upstream_error");

        assertThat(first).hasSize(1);
        assertThat(new String(first.getFirst(), StandardCharsets.UTF_8))
                .isEqualTo("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                        + "\"message\":\"upstream connection failed mid-stream\"}}\n\n");
        assertThat(s.fail("upstream stalled", "upstream_timeout")).isEmpty();
        assertThat(s.completed()).isFalse();
    }

    @Test
    void aStallBeforeMessageStopIsATimeoutError() {
        AnthropicPassthroughStream s = new AnthropicPassthroughStream("claude-upstream", "p");
        run(s, TRANSCRIPT.substring(0, TRANSCRIPT.indexOf("event: content_block_start")), 5);

        assertThat(new String(s.fail("upstream stalled", "upstream_timeout").getFirst(), StandardCharsets.UTF_8))
                .startsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"timeout_error\"");
    }

    @Test
    void anUpstreamFailureAfterMessageStopAddsNothingToTheCompleteStream() {
        AnthropicPassthroughStream s = new AnthropicPassthroughStream("claude-upstream", "p");
        run(s, TRANSCRIPT, 11);

        assertThat(s.completed()).isTrue();
        assertThat(s.fail("upstream connection failed mid-stream", "upstream_error"))
                .as("an error event after message_stop would make SDKs discard a complete reply")
                .isEmpty();
    }

    private static List<String> run(AnthropicPassthroughStream s, String transcript, int chunk) {
        byte[] all = transcript.getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < all.length; i += chunk) {
            s.accept(Arrays.copyOfRange(all, i, Math.min(all.length, i + chunk)))
                    .forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
        }
        s.finish().forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
        return out;
    }
}
