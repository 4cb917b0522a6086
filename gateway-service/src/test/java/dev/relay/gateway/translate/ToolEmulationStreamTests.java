package dev.relay.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ToolEmulationStreamTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> TOOLS = Set.of("get_weather", "get_time");
    private static final String HEAD =
            "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":77,\"model\":\"cheap-1\","
                    + "\"system_fingerprint\":\"fp_x\",\"choices\":[";
    private static final String TAIL = "],\"usage\":null}";

    @Test
    void parsesAnActionBlockSplitAcrossDeltasIntoStreamedToolCalls() {
        String transcript = transcript(
                "<tool_",
                "calls>\n[{\"name\": \"get_weather\", ",
                "\"arguments\": {\"location\": \"Paris\"}}]\n</tool_",
                "calls>");

        List<String> out = run(transcript, transcript.length());

        assertThat(out).hasSize(6);
        assertThat(out.get(0)).isEqualTo(role());
        assertThat(out.get(1))
                .isEqualTo("data: " + HEAD + "{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},"
                        + "\"finish_reason\":null}" + TAIL + "\n\n");
        assertThat(out.get(2))
                .isEqualTo("data: " + HEAD + "{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                        + "{\"arguments\":\"{\\\"location\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":null}" + TAIL
                        + "\n\n");
        assertThat(json(out.get(3)).path("choices").get(0).path("finish_reason").stringValue())
                .isEqualTo("tool_calls");
        assertThat(json(out.get(3)).path("choices").get(0).path("delta").isEmpty())
                .isTrue();
        assertThat(out.get(4)).isEqualTo(usage());
        assertThat(out.get(5)).isEqualTo("data: [DONE]\n\n");
    }

    @Test
    void passesATextReplyContainingALessThanSignThroughAsText() {
        String transcript = transcript("Compare: a ", "< b and x <", "= y, also <tool", "box> ok.");

        Reply reply = Reply.of(run(transcript, 7));

        assertThat(reply.text).isEqualTo("Compare: a < b and x <= y, also <toolbox> ok.");
        assertThat(reply.calls).isEmpty();
        assertThat(reply.finishReason).isEqualTo("stop");
        assertThat(reply.usageChunks).isEqualTo(1);
        assertThat(reply.done).isTrue();
    }

    @Test
    void passesPlainTextChunksThroughByteForByte() {
        String transcript = transcript("Hello", " there,", " friend.");

        assertThat(String.join("", run(transcript, 5))).isEqualTo(transcript);
    }

    @Test
    void streamsTheTextBeforeTheBlockAndEmitsParallelCallsInOrder() {
        String transcript = transcript(
                "I will check both.",
                "\n\n<tool_calls>\n[{\"name\":\"get_weather\",\"arguments\":{\"location\":\"Oslo\"}},",
                "{\"name\":\"get_time\",\"arguments\":\"{\\\"zone\\\":\\\"CET\\\"}\"}]\n</tool_calls>\n");

        List<String> out = run(transcript, 11);
        Reply reply = Reply.of(out);

        assertThat(out.get(1)).isEqualTo(content("I will check both."));
        assertThat(reply.text).isEqualTo("I will check both.");
        assertThat(reply.calls)
                .containsExactly(
                        Map.entry(0, "call_1 get_weather {\"location\":\"Oslo\"}"),
                        Map.entry(1, "call_2 get_time {\"zone\":\"CET\"}"));
        assertThat(reply.finishReason).isEqualTo("tool_calls");
        assertThat(out.getLast()).isEqualTo("data: [DONE]\n\n");
    }

    @Test
    void releasesABlockWithoutAValidCallAsText() {
        String block = "<tool_calls>[{\"name\":\"format_disk\",\"arguments\":{}}]</tool_calls>";
        String transcript = transcript("Here: ", block.substring(0, 20), block.substring(20));

        Reply reply = Reply.of(run(transcript, 3));

        assertThat(reply.text).isEqualTo("Here: " + block);
        assertThat(reply.calls).isEmpty();
        assertThat(reply.finishReason).isEqualTo("stop");
    }

    @Test
    void parsesAnUnterminatedBlockWhenTheStreamEnds() {
        String transcript = "data: " + HEAD + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"finish_reason\":null}" + TAIL + "\n\n"
                + chunk("{\"content\":\"<tool_calls>[{\\\"name\\\":\\\"get_time\\\",\\\"arguments\\\":{}}]\"}", null);

        List<String> out = run(transcript, 9);
        Reply reply = Reply.of(out);

        assertThat(reply.calls).containsExactly(Map.entry(0, "call_1 get_time {}"));
        assertThat(reply.text).isEmpty();
        assertThat(reply.done).isFalse();
    }

    @Test
    void releasesAnUnparseableUnterminatedBlockAsTextBeforeTheFinishChunk() {
        String transcript = transcript("Sure ", "<tool_calls>[{\"name\":");

        List<String> out = run(transcript, 4);
        Reply reply = Reply.of(out);

        assertThat(reply.text).isEqualTo("Sure <tool_calls>[{\"name\":");
        assertThat(reply.finishReason).isEqualTo("stop");
        JsonNode last = json(out.get(out.size() - 3));
        assertThat(last.path("choices").get(0).path("delta").path("content").stringValue())
                .isEqualTo(" <tool_calls>[{\"name\":");
        assertThat(last.path("choices").get(0).path("finish_reason").stringValue())
                .isEqualTo("stop");
    }

    @Test
    void emitsTheSameEventsWhateverTheChunking() {
        List<String> transcripts = List.of(
                transcript(
                        "<tool_",
                        "calls>\n[{\"name\": \"get_weather\", \"arguments\": {\"location\": \"P\"}}]\n",
                        "</tool_calls>"),
                transcript("a < b", " and <", "tool_c", "alls? no: <tool_callz>", " end"),
                transcript(
                        "Sure.\n",
                        "<tool_calls>\n```json\n{\"name\":\"get_time\",\"arguments\":{}}\n```\n</tool",
                        "_calls>\nThen more text. ",
                        "<tool_calls>[{\"name\":\"get_weather\",\"arguments\":{}}]"),
                transcript("héllo ✓ 🙂", " <", "<tool_calls>[]</tool_calls>"),
                "data: " + HEAD + "{\"index\":0,\"delta\":{\"content\":\"<tool_calls>[{\\\"name\\\":\\\"get_time\\\","
                        + "\\\"arguments\\\":{}}]\"},\"finish_reason\":null}" + TAIL + "\r\n\r\n: keep-alive\r\n\r\n");
        for (String transcript : transcripts) {
            List<String> reference = run(transcript, transcript.length());
            for (int size = 1; size <= 64; size++) {
                assertThat(run(transcript, size))
                        .as("chunk size %d of %s", size, transcript)
                        .isEqualTo(reference);
            }
            assertThat(reference).allMatch(e -> e.endsWith("\n\n") || e.endsWith("\r\n\r\n"));
        }
    }

    @Test
    void splitsAChunkWithSeveralChoicesAndTracksEachChoice() {
        String transcript = "data: " + HEAD
                + "{\"index\":0,\"delta\":{\"content\":\"<tool_calls>[{\\\"name\\\":\\\"get_time\\\"}]</tool_calls>\"},"
                + "\"finish_reason\":null},"
                + "{\"index\":1,\"delta\":{\"content\":\"plain\"},\"finish_reason\":null}" + TAIL + "\n\n"
                + "data: " + HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"},"
                + "{\"index\":1,\"delta\":{},\"finish_reason\":\"stop\"}" + TAIL + "\n\n";

        List<JsonNode> choices = new ArrayList<>();
        for (String event : run(transcript, 13)) {
            JsonNode chunk = json(event);
            assertThat(chunk.path("choices")).hasSize(1);
            choices.add(chunk.path("choices").get(0));
        }

        assertThat(choices).hasSize(5);
        assertThat(choices.get(0)
                        .path("delta")
                        .path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("name")
                        .stringValue())
                .isEqualTo("get_time");
        assertThat(choices.get(2).path("index").intValue()).isEqualTo(1);
        assertThat(choices.get(2).path("delta").path("content").stringValue()).isEqualTo("plain");
        assertThat(choices.get(3).path("finish_reason").stringValue()).isEqualTo("tool_calls");
        assertThat(choices.get(4).path("finish_reason").stringValue()).isEqualTo("stop");
    }

    @Test
    void anInactivePlanPassesEventsThroughUnchanged() {
        ToolEmulation.Plan plan =
                ToolEmulation.prepare("{\"model\":\"m\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8));
        String transcript = transcript("<tool_calls>[{\"name\":\"get_time\"}]</tool_calls>");
        ChunkTransform stream = plan.stream();

        List<byte[]> out = new ArrayList<>(stream.accept(transcript.getBytes(StandardCharsets.UTF_8)));
        out.addAll(stream.finish());

        assertThat(String.join("", strings(out))).isEqualTo(transcript);
    }

    @Test
    void anActivePlanStreamsRealCallIds() {
        ToolEmulation.Plan plan = ToolEmulation.prepare(("{\"model\":\"m\",\"messages\":[],\"tools\":[{\"type\":"
                        + "\"function\",\"function\":{\"name\":\"get_time\"}}]}")
                .getBytes(StandardCharsets.UTF_8));
        ChunkTransform stream = plan.stream();
        String transcript = transcript("<tool_calls>[{\"name\":\"get_time\"}]</tool_calls>");

        List<byte[]> out = new ArrayList<>(stream.accept(transcript.getBytes(StandardCharsets.UTF_8)));
        out.addAll(stream.finish());

        assertThat(Reply.of(strings(out)).calls.get(0)).matches("call_[A-Za-z0-9]{24} get_time \\{}");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A whole upstream stream: role chunk, one content chunk per delta, finish "stop", usage chunk, [DONE]. */
    private static String transcript(String... deltas) {
        StringBuilder out = new StringBuilder(role());
        for (String delta : deltas) {
            out.append(content(delta));
        }
        out.append(chunk("{}", "stop")).append(usage()).append("data: [DONE]\n\n");
        return out.toString();
    }

    private static String role() {
        return chunk("{\"role\":\"assistant\",\"content\":\"\"}", null);
    }

    private static String content(String text) {
        return chunk("{\"content\":" + JSON.writeValueAsString(text) + "}", null);
    }

    private static String chunk(String delta, String finishReason) {
        return "data: " + HEAD + "{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}" + TAIL + "\n\n";
    }

    private static String usage() {
        return "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":77,\"model\":\"cheap-1\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13}}\n\n";
    }

    private static List<String> run(String transcript, int chunkSize) {
        int[] next = {0};
        Supplier<String> ids = () -> "call_" + ++next[0];
        ToolEmulationStream stream = new ToolEmulationStream(TOOLS, ids);
        byte[] all = transcript.getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < all.length; i += chunkSize) {
            out.addAll(strings(stream.accept(Arrays.copyOfRange(all, i, Math.min(all.length, i + chunkSize)))));
        }
        out.addAll(strings(stream.finish()));
        return out;
    }

    private static List<String> strings(List<byte[]> events) {
        return events.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    private static JsonNode json(String event) {
        assertThat(event).startsWith("data: ");
        return JSON.readTree(event.substring(6).strip());
    }

    /** What a client reassembles from the stream. */
    private record Reply(String text, Map<Integer, String> calls, String finishReason, int usageChunks, boolean done) {

        static Reply of(List<String> events) {
            StringBuilder text = new StringBuilder();
            Map<Integer, String[]> calls = new LinkedHashMap<>();
            String finish = null;
            int usage = 0;
            boolean done = false;
            for (String event : events) {
                if (event.startsWith(":")) {
                    continue;
                }
                if (event.equals("data: [DONE]\n\n")) {
                    done = true;
                    continue;
                }
                JsonNode chunk = json(event);
                if (chunk.path("usage").isObject()) {
                    usage++;
                }
                for (JsonNode choice : chunk.path("choices").values()) {
                    JsonNode delta = choice.path("delta");
                    if (delta.path("content").isString()) {
                        text.append(delta.path("content").stringValue());
                    }
                    for (JsonNode call : delta.path("tool_calls").values()) {
                        int index = call.path("index").intValue();
                        String[] acc = calls.computeIfAbsent(index, i -> new String[] {"", "", ""});
                        if (call.has("id")) {
                            acc[0] = call.path("id").stringValue();
                            acc[1] = call.path("function").path("name").stringValue();
                        }
                        acc[2] += call.path("function").path("arguments").stringValue();
                    }
                    if (choice.path("finish_reason").isString()) {
                        finish = choice.path("finish_reason").stringValue();
                    }
                }
            }
            Map<Integer, String> flat = new LinkedHashMap<>();
            calls.forEach((i, acc) -> flat.put(i, acc[0] + " " + acc[1] + " " + acc[2]));
            return new Reply(text.toString(), flat, finish, usage, done);
        }
    }
}
