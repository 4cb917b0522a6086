package dev.relay.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OpenAiOverAnthropicStreamTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long CREATED = 1_700_000_000L;
    private static final String MODEL = "gpt-4o";

    private static final String TEXT = transcript("text-with-ping.sse");
    private static final String THINKING = transcript("thinking-then-text.sse");
    private static final String TOOLS = transcript("two-tool-uses.sse");
    private static final String ERROR = transcript("in-band-error.sse");

    @Test
    void translatesATextStreamAndDropsPings() {
        OpenAiOverAnthropicStream s = OpenAiOverAnthropic.stream(MODEL, CREATED, false);
        List<String> out = strings(s.accept(bytes(TEXT)));
        out.addAll(strings(s.finish()));

        assertThat(out.getFirst())
                .isEqualTo(
                        "data: {\"id\":\"chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL\",\"object\":\"chat.completion.chunk\","
                                + "\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        assertThat(parsed(out))
                .containsExactly(
                        chunk("msg_01XFDUDYJgAACzvnptvVoYEL", "{\"role\":\"assistant\",\"content\":\"\"}", null),
                        chunk("msg_01XFDUDYJgAACzvnptvVoYEL", "{\"content\":\"Héllo\"}", null),
                        chunk("msg_01XFDUDYJgAACzvnptvVoYEL", "{\"content\":\", \\\"wörld\\\" — 世界!\"}", null),
                        chunk("msg_01XFDUDYJgAACzvnptvVoYEL", "{}", "stop"),
                        DONE);
        assertThat(out).allMatch(e -> e.startsWith("data: ") && e.endsWith("\n\n"));
        assertThat(s.completed()).isTrue();
        assertThat(s.usage()).isEqualTo(new TokenUsage(25, 15, 0, 0, false));
        assertThat(s.deliveredText()).isEqualTo("Héllo, \"wörld\" — 世界!");
    }

    @Test
    void withIncludeUsageEveryChunkCarriesNullUsageAndAFinalUsageChunkPrecedesDone() {
        OpenAiOverAnthropicStream s = OpenAiOverAnthropic.stream(MODEL, CREATED, true);
        List<String> out = strings(s.accept(bytes(TEXT)));

        String id = "msg_01XFDUDYJgAACzvnptvVoYEL";
        assertThat(parsed(out))
                .containsExactly(
                        withNullUsage(chunk(id, "{\"role\":\"assistant\",\"content\":\"\"}", null)),
                        withNullUsage(chunk(id, "{\"content\":\"Héllo\"}", null)),
                        withNullUsage(chunk(id, "{\"content\":\", \\\"wörld\\\" — 世界!\"}", null)),
                        withNullUsage(chunk(id, "{}", "stop")),
                        json("{\"id\":\"chatcmpl-" + id
                                + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                                + "\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":25,"
                                + "\"completion_tokens\":15,\"total_tokens\":40,"
                                + "\"prompt_tokens_details\":{\"cached_tokens\":0}}}"),
                        DONE);
    }

    @Test
    void mapsThinkingToReasoningContentDropsSignaturesAndCountsCacheTokens() {
        OpenAiOverAnthropicStream s = OpenAiOverAnthropic.stream(MODEL, CREATED, true);
        List<String> out = strings(s.accept(bytes(THINKING)));

        String id = "msg_01ThinkAbc";
        assertThat(parsed(out))
                .containsExactly(
                        withNullUsage(chunk(id, "{\"role\":\"assistant\",\"content\":\"\"}", null)),
                        withNullUsage(chunk(id, "{\"reasoning_content\":\"Let me add \"}", null)),
                        withNullUsage(chunk(id, "{\"reasoning_content\":\"2 and 2.\"}", null)),
                        withNullUsage(chunk(id, "{\"content\":\"4\"}", null)),
                        withNullUsage(chunk(id, "{}", "length")),
                        json("{\"id\":\"chatcmpl-" + id
                                + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                                + "\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":2160,"
                                + "\"completion_tokens\":42,\"total_tokens\":2202,"
                                + "\"prompt_tokens_details\":{\"cached_tokens\":2048}}}"),
                        DONE);
        assertThat(String.join("", out)).doesNotContain("signature").doesNotContain("EqQB");
        assertThat(s.usage()).isEqualTo(new TokenUsage(12, 42, 2048, 100, false));
        assertThat(s.deliveredText()).isEqualTo("Let me add 2 and 2.4");
    }

    @Test
    void numbersSeveralToolUseBlocksAndSkipsEmptyArgumentFragments() {
        OpenAiOverAnthropicStream s = OpenAiOverAnthropic.stream(MODEL, CREATED, false);
        List<String> out = strings(s.accept(bytes(TOOLS)));

        String id = "msg_014p7gG3wDgGV9EUtLvnow3U";
        assertThat(parsed(out))
                .containsExactly(
                        chunk(id, "{\"role\":\"assistant\",\"content\":\"\"}", null),
                        chunk(id, "{\"content\":\"Checking both cities.\"}", null),
                        chunk(
                                id,
                                "{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\","
                                        + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}",
                                null),
                        chunk(
                                id,
                                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\":\"}}]}",
                                null),
                        chunk(
                                id,
                                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\" \\\"Paris\\\"}\"}}]}",
                                null),
                        chunk(
                                id,
                                "{\"tool_calls\":[{\"index\":1,\"id\":\"toolu_02Ab8kLmNoPq\",\"type\":\"function\","
                                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}",
                                null),
                        chunk(
                                id,
                                "{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":"
                                        + "\"{\\\"location\\\": \\\"Tokyo\\\"}\"}}]}",
                                null),
                        chunk(id, "{}", "tool_calls"),
                        DONE);
        assertThat(s.completed()).isTrue();
        assertThat(s.usage()).isEqualTo(new TokenUsage(472, 89, 0, 0, false));
        assertThat(s.deliveredText())
                .contains("Checking both cities.")
                .contains("{\"location\": \"Paris\"}")
                .contains("{\"location\": \"Tokyo\"}");
    }

    @Test
    void turnsAnInBandErrorIntoAnOpenAiErrorEventAndStopsThere() {
        OpenAiOverAnthropicStream s = OpenAiOverAnthropic.stream(MODEL, CREATED, true);
        List<String> out = strings(s.accept(bytes(ERROR)));
        out.addAll(strings(s.finish()));
        out.addAll(strings(s.fail("upstream stream ended early", "upstream_error")));

        assertThat(parsed(out))
                .containsExactly(
                        withNullUsage(chunk("msg_01Err", "{\"role\":\"assistant\",\"content\":\"\"}", null)),
                        withNullUsage(chunk("msg_01Err", "{\"content\":\"Partial\"}", null)),
                        json("{\"error\":{\"message\":\"Overloaded\",\"type\":\"server_error\",\"param\":null,"
                                + "\"code\":\"upstream_error\"}}"));
        assertThat(out).noneMatch(e -> e.contains("[DONE]")).noneMatch(e -> e.contains("never shown"));
        assertThat(s.completed()).isFalse();
        assertThat(s.usage()).isEqualTo(new TokenUsage(9, 1, 0, 0, false));
        assertThat(s.accept(bytes(TEXT))).isEmpty();
    }

    @Test
    void aStreamCutMidEventEndsWithTheFailureEventAndNoDone() {
        String cut = TOOLS.substring(0, TOOLS.indexOf("\" \\\"Paris") + 4);
        OpenAiOverAnthropicStream s = OpenAiOverAnthropic.stream(MODEL, CREATED, false);
        List<String> out = strings(s.accept(bytes(cut)));
        out.addAll(strings(s.finish()));
        assertThat(s.completed()).isFalse();
        out.addAll(strings(s.fail("The upstream connection was lost.", "upstream_timeout")));

        String id = "msg_014p7gG3wDgGV9EUtLvnow3U";
        assertThat(parsed(out))
                .containsExactly(
                        chunk(id, "{\"role\":\"assistant\",\"content\":\"\"}", null),
                        chunk(id, "{\"content\":\"Checking both cities.\"}", null),
                        chunk(
                                id,
                                "{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\","
                                        + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}",
                                null),
                        chunk(
                                id,
                                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\":\"}}]}",
                                null),
                        json("{\"error\":{\"message\":\"The upstream connection was lost.\",\"type\":\"server_error\","
                                + "\"param\":null,\"code\":\"upstream_timeout\"}}"));
        assertThat(s.usage()).isEqualTo(new TokenUsage(472, 2, 0, 0, false));
        assertThat(s.fail("again", "upstream_error")).isEmpty();
    }

    @Test
    void finishProcessesATrailingUnterminatedMessageStop() {
        String unterminated = TEXT.stripTrailing();
        OpenAiOverAnthropicStream s = OpenAiOverAnthropic.stream(MODEL, CREATED, false);
        List<String> out = strings(s.accept(bytes(unterminated)));
        assertThat(s.completed()).isFalse();
        out.addAll(strings(s.finish()));
        assertThat(s.completed()).isTrue();
        assertThat(out.getLast()).isEqualTo("data: [DONE]\n\n");
    }

    @Test
    void reportsNoUsageBeforeMessageStart() {
        OpenAiOverAnthropicStream s = OpenAiOverAnthropic.stream(MODEL, CREATED, false);
        assertThat(s.accept(bytes("event: ping\ndata: {\"type\": \"ping\"}\n\nevent: message_start\ndata: {\"type\"")))
                .isEmpty();
        assertThat(s.usage()).isNull();
        assertThat(s.deliveredText()).isEmpty();
        assertThat(s.completed()).isFalse();
    }

    @Test
    void doesNotShowServerToolBlocksAndSendsInputGivenWholeInTheBlockStart() {
        String transcript = ""
                + "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"query\\\":\\\"x\\\"}\"}}\n\n"
                + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"abc\"}}\n\n"
                + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"f\",\"input\":{\"a\":1}}}\n\n"
                + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":2}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        OpenAiOverAnthropicStream s = OpenAiOverAnthropic.stream(MODEL, CREATED, false);
        assertThat(parsed(strings(s.accept(bytes(transcript)))))
                .containsExactly(
                        chunk("msg_1", "{\"role\":\"assistant\",\"content\":\"\"}", null),
                        chunk(
                                "msg_1",
                                "{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_9\",\"type\":\"function\","
                                        + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}",
                                null),
                        chunk(
                                "msg_1",
                                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":1}\"}}]}",
                                null),
                        chunk("msg_1", "{}", "stop"),
                        DONE);
    }

    /** Feeds each transcript in pieces of every size from 1 to 64 bytes: output must not depend on chunking. */
    @Test
    void emitsTheSameEventsWhateverTheChunking() {
        for (String transcript : List.of(TEXT, THINKING, TOOLS, ERROR)) {
            for (boolean includeUsage : new boolean[] {false, true}) {
                List<String> reference = run(transcript, Integer.MAX_VALUE, includeUsage);
                assertThat(reference).isNotEmpty().allMatch(e -> e.endsWith("\n\n"));
                for (int size = 1; size <= 64; size++) {
                    assertThat(run(transcript, size, includeUsage))
                            .as("chunk size %d", size)
                            .isEqualTo(reference);
                }
            }
        }
    }

    @Test
    void handlesCrLfEventSeparators() {
        for (String transcript : List.of(TEXT, THINKING, TOOLS, ERROR)) {
            String crlf = transcript.replace("\n", "\r\n");
            List<String> reference = run(transcript, Integer.MAX_VALUE, true);
            assertThat(run(crlf, Integer.MAX_VALUE, true)).isEqualTo(reference);
            assertThat(run(crlf, 7, true)).isEqualTo(reference);
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static final JsonNode DONE = JSON.getNodeFactory().stringNode("[DONE]");

    private static JsonNode chunk(String messageId, String deltaJson, String finishReason) {
        return json("{\"id\":\"chatcmpl-" + messageId + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                + CREATED + ",\"model\":\"" + MODEL + "\",\"choices\":[{\"index\":0,\"delta\":" + deltaJson
                + ",\"finish_reason\":" + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}");
    }

    private static JsonNode withNullUsage(JsonNode chunk) {
        ((tools.jackson.databind.node.ObjectNode) chunk).putNull("usage");
        return chunk;
    }

    private static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    /** Each {@code data: ...} event as JSON, {@code [DONE]} as the string node "[DONE]". */
    private static List<JsonNode> parsed(List<String> events) {
        List<JsonNode> nodes = new ArrayList<>();
        for (String e : events) {
            assertThat(e).startsWith("data: ").endsWith("\n\n");
            String data = e.substring(6, e.length() - 2);
            nodes.add(data.equals("[DONE]") ? DONE : json(data));
        }
        return nodes;
    }

    private static List<String> run(String transcript, int chunkSize, boolean includeUsage) {
        OpenAiOverAnthropicStream s = OpenAiOverAnthropic.stream(MODEL, CREATED, includeUsage);
        byte[] all = bytes(transcript);
        int size = Math.min(chunkSize, all.length);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < all.length; i += size) {
            byte[] piece = Arrays.copyOfRange(all, i, Math.min(all.length, i + size));
            out.addAll(strings(s.accept(piece)));
        }
        out.addAll(strings(s.finish()));
        if (!s.completed()) {
            out.addAll(strings(s.fail("cut", "upstream_error")));
        }
        out.add("completed=" + s.completed() + " usage=" + s.usage() + " text=" + s.deliveredText() + "\n\n");
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(List<byte[]> events) {
        List<String> out = new ArrayList<>();
        for (byte[] e : events) {
            out.add(new String(e, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String transcript(String name) {
        String path = "/transcripts/openai-over-anthropic/" + name;
        try (InputStream in = OpenAiOverAnthropicStreamTests.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
