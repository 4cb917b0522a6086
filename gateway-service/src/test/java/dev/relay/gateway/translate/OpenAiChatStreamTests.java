package dev.relay.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiChatStreamTests {

    private static final String TRANSCRIPT = ""
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"deepseek-chat\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":null}\n\n"
            + ": keep-alive\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"deepseek-chat\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\\\"lo\"}}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"deepseek-chat\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"deepseek-chat\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"deepseek-chat\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17,\"prompt_tokens_details\":{\"cached_tokens\":4}}}\n\n"
            + "data: [DONE]\n\n";

    /** Feeds the transcript in pieces of every size from 1 to 64 bytes: output must not depend on chunking. */
    @Test
    void emitsTheSameCompleteEventsWhateverTheChunking() {
        List<String> reference = run(TRANSCRIPT, TRANSCRIPT.length(), true);
        for (int size = 1; size <= 64; size++) {
            assertThat(run(TRANSCRIPT, size, true)).as("chunk size %d", size).isEqualTo(reference);
        }
        assertThat(reference).hasSize(6).allMatch(e -> e.endsWith("\n\n"));
    }

    @Test
    void rewritesTheModelStripsTheInjectedUsageChunkAndReadsUsage() {
        OpenAiChatStream s = new OpenAiChatStream("deepseek-chat", "gpt-4o", true);
        List<String> out = strings(s.accept(TRANSCRIPT.getBytes(StandardCharsets.UTF_8)));
        assertThat(out).noneMatch(e -> e.contains("deepseek-chat")).noneMatch(e -> e.contains("\"usage\""));
        assertThat(out.get(0)).endsWith("\"content\":\"\"}}]}\n\n");
        assertThat(out.get(0)).contains("\"model\":\"gpt-4o\"");
        assertThat(out.getLast()).isEqualTo("data: [DONE]\n\n");
        assertThat(s.done()).isTrue();
        assertThat(s.usage().promptTokens()).isEqualTo(12);
        assertThat(s.usage().completionTokens()).isEqualTo(5);
        assertThat(s.usage().cacheReadTokens()).isEqualTo(4);
        assertThat(s.deliveredText()).isEqualTo("Hel\"lo");
    }

    @Test
    void keepsTheUsageChunkWhenTheClientAskedForIt() {
        OpenAiChatStream s = new OpenAiChatStream("m", "m", false);
        List<String> out = strings(s.accept(TRANSCRIPT.getBytes(StandardCharsets.UTF_8)));
        assertThat(out).anyMatch(e -> e.contains("\"usage\":{\"prompt_tokens\":12"));
        assertThat(out).anyMatch(e -> e.contains("deepseek-chat"));
    }

    @Test
    void reportsAStreamThatEndsWithoutDone() {
        String cut = TRANSCRIPT.substring(
                0,
                TRANSCRIPT.indexOf(
                                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"deepseek-chat\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\"")
                        + 20);
        OpenAiChatStream s = new OpenAiChatStream("deepseek-chat", "gpt-4o", true);
        List<byte[]> out = new ArrayList<>(s.accept(cut.getBytes(StandardCharsets.UTF_8)));
        out.addAll(s.finish());
        assertThat(s.done()).isFalse();
        assertThat(s.usage()).isNull();
        assertThat(s.deliveredText()).isEqualTo("Hel\"lo");
    }

    @Test
    void handlesCrLfEventSeparators() {
        String crlf = TRANSCRIPT.replace("\n", "\r\n");
        OpenAiChatStream s = new OpenAiChatStream("deepseek-chat", "gpt-4o", true);
        List<String> out = strings(s.accept(crlf.getBytes(StandardCharsets.UTF_8)));
        assertThat(out).hasSize(6);
        assertThat(s.done()).isTrue();
        assertThat(s.usage().totalTokens()).isEqualTo(17);
    }

    private static List<String> run(String transcript, int chunkSize, boolean strip) {
        OpenAiChatStream s = new OpenAiChatStream("deepseek-chat", "gpt-4o", strip);
        byte[] all = transcript.getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < all.length; i += chunkSize) {
            byte[] piece = java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + chunkSize));
            out.addAll(strings(s.accept(piece)));
        }
        out.addAll(strings(s.finish()));
        return out;
    }

    private static List<String> strings(List<byte[]> events) {
        return events.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }
}
