package dev.relay.gateway.translate;

import dev.relay.gateway.wire.SseBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The streaming half of {@link ToolEmulation}: an OpenAI chat SSE stream in, the same stream out with the model's
 * {@code <tool_calls>} action block turned into streamed {@code tool_calls} deltas. A pure state object over a
 * buffer; its output depends only on the events, not on how the bytes were chunked.
 *
 * <p>Every event passes through unchanged except chunks whose {@code delta.content} (or {@code finish_reason}) this
 * transform has to act on. Content streams as it arrives until a {@code <} that could start {@code <tool_calls>};
 * from there the text is held back (and so is whitespace right before it, so that a block does not leave a stray
 * newline as content). Held text that turns out not to be a {@code <tool_calls>} prefix (e.g. {@code "a < b"}) is
 * released in the chunk that disproves it. When {@code </tool_calls>} arrives the block is parsed: valid calls replace
 * the held text by, per call, one chunk {@code {"index":i,"id":..,"type":"function","function":{"name":..,
 * "arguments":""}}} and one with {@code {"index":i,"function":{"arguments":"<compact JSON>"}}}; whitespace right
 * after the block is dropped; a block without a valid call is released as text. A {@code finish_reason}, a usage
 * chunk ({@code choices: []}), an error event, {@code [DONE]} or {@link #finish()} first resolves what is still held
 * (an unterminated block is parsed if it can be, else released as text). After calls were emitted, the upstream's
 * {@code finish_reason "stop"} becomes {@code "tool_calls"}. Synthesised chunks copy the envelope ({@code id},
 * {@code object}, {@code created}, {@code model}, ...) of the upstream chunk being processed, with
 * {@code "usage":null} when that chunk carried a {@code usage} field. Choices are tracked by their {@code index}; a
 * chunk with several choices is split into one chunk per choice.
 */
public final class ToolEmulationStream implements ChunkTransform {

    private static final String OPEN = ToolEmulation.OPEN;
    private static final String CLOSE = ToolEmulation.CLOSE;
    private static final JsonMapper JSON = ToolEmulation.json();

    private final SseBuffer buffer = new SseBuffer();
    private final Set<String> toolNames;
    private final Supplier<String> ids;
    private final Map<Integer, Scanner> scanners = new TreeMap<>();
    private ObjectNode lastChunk;

    /** @param toolNames the tools offered to the model; blocks calling anything else are left as text */
    public ToolEmulationStream(Set<String> toolNames) {
        this(toolNames, ToolEmulation::newCallId);
    }

    ToolEmulationStream(Set<String> toolNames, Supplier<String> ids) {
        this.toolNames = Set.copyOf(toolNames);
        this.ids = ids;
    }

    @Override
    public List<byte[]> accept(byte[] chunk) {
        buffer.append(chunk);
        List<byte[]> out = new ArrayList<>(2);
        byte[] event;
        while ((event = buffer.nextEvent()) != null) {
            process(event, out);
        }
        return out;
    }

    @Override
    public List<byte[]> finish() {
        List<byte[]> out = new ArrayList<>(2);
        byte[] rest = buffer.remainder();
        if (rest != null) {
            process(rest, out);
        }
        resolveAll(out);
        return out;
    }

    private void process(byte[] event, List<byte[]> out) {
        String data = SseBuffer.data(event);
        if (data == null) {
            out.add(event); // comment / keep-alive
            return;
        }
        JsonNode node = null;
        if (!data.equals("[DONE]")) {
            try {
                node = JSON.readTree(data);
            } catch (JacksonException e) {
                node = null;
            }
        }
        if (!(node instanceof ObjectNode chunk)
                || !(chunk.get("choices") instanceof ArrayNode choices)
                || choices.isEmpty()) {
            // [DONE], a usage chunk, an error, something unknown: the content is over, settle what is held first
            resolveAll(out);
            out.add(event);
            return;
        }
        lastChunk = chunk;
        if (choices.size() == 1) {
            processChoice(chunk, event, out);
            return;
        }
        for (JsonNode choice : choices.values()) {
            ObjectNode single = chunk.deepCopy();
            single.putArray("choices").add(choice);
            processChoice(single, null, out);
        }
    }

    /** A chunk with exactly one choice; {@code original} its bytes, or null when it was split from a larger one. */
    private void processChoice(ObjectNode chunk, byte[] original, List<byte[]> out) {
        if (!(chunk.get("choices").get(0) instanceof ObjectNode choice)) {
            out.add(original != null ? original : SseEvents.data(JSON.writeValueAsString(chunk)));
            return;
        }
        int index =
                choice.path("index").isIntegralNumber() ? choice.path("index").intValue() : 0;
        Scanner scanner = scanners.computeIfAbsent(index, i -> new Scanner());
        JsonNode delta = choice.get("delta");
        String content = delta != null && delta.path("content").isString()
                ? delta.path("content").stringValue()
                : null;
        String finish = choice.path("finish_reason").isString()
                ? choice.path("finish_reason").stringValue()
                : null;
        List<Segment> segments = new ArrayList<>();
        if (content != null && !content.isEmpty()) {
            scanner.feed(content, segments);
        }
        if (finish != null) {
            scanner.resolve(segments);
        }
        String newFinish = "stop".equals(finish) && scanner.called ? "tool_calls" : finish;
        boolean contentUnchanged = content == null || content.isEmpty()
                ? segments.isEmpty()
                : segments.size() == 1
                        && segments.getFirst() instanceof Text t
                        && t.text.toString().equals(content);
        if (contentUnchanged && Objects.equals(finish, newFinish)) {
            out.add(original != null ? original : SseEvents.data(JSON.writeValueAsString(chunk)));
            return;
        }

        int k = 0;
        StringBuilder lead = new StringBuilder();
        while (k < segments.size() && segments.get(k) instanceof Text t) {
            lead.append(t.text);
            k++;
        }
        List<Segment> rest = segments.subList(k, segments.size());
        JsonNode usage = chunk.get("usage");
        boolean carriesUsage = usage != null && !usage.isNull();
        boolean otherDeltaFields = delta != null && delta.size() > (delta.has("content") ? 1 : 0);

        boolean emitFirst = otherDeltaFields || !lead.isEmpty() || (rest.isEmpty() && (finish != null || carriesUsage));
        if (emitFirst) {
            ObjectNode first = chunk.deepCopy();
            ObjectNode firstChoice = (ObjectNode) first.get("choices").get(0);
            ObjectNode firstDelta =
                    firstChoice.get("delta") instanceof ObjectNode d ? d : firstChoice.putObject("delta");
            if (firstDelta.has("content") || !lead.isEmpty()) {
                firstDelta.put("content", lead.toString());
            }
            if (!rest.isEmpty()) {
                if (firstChoice.has("finish_reason")) {
                    firstChoice.putNull("finish_reason");
                }
                if (carriesUsage) {
                    first.putNull("usage");
                }
            } else if (finish != null) {
                firstChoice.put("finish_reason", newFinish);
            }
            out.add(SseEvents.data(JSON.writeValueAsString(first)));
        }
        emit(rest, chunk, index, out);
        if (!rest.isEmpty() && (finish != null || carriesUsage)) {
            ObjectNode trailer = envelope(chunk, index);
            ObjectNode trailerChoice = (ObjectNode) trailer.get("choices").get(0);
            if (finish != null) {
                trailerChoice.put("finish_reason", newFinish);
            }
            if (carriesUsage) {
                trailer.set("usage", usage);
            }
            out.add(SseEvents.data(JSON.writeValueAsString(trailer)));
        }
    }

    /** Settles every choice's held text, as chunks modelled on the last upstream chunk. */
    private void resolveAll(List<byte[]> out) {
        for (Map.Entry<Integer, Scanner> entry : scanners.entrySet()) {
            List<Segment> segments = new ArrayList<>();
            entry.getValue().resolve(segments);
            if (!segments.isEmpty() && lastChunk != null) {
                emit(segments, lastChunk, entry.getKey(), out);
            }
        }
    }

    private void emit(List<Segment> segments, ObjectNode template, int index, List<byte[]> out) {
        for (Segment segment : segments) {
            if (segment instanceof Text text) {
                ObjectNode chunk = envelope(template, index);
                ((ObjectNode) chunk.get("choices").get(0).get("delta")).put("content", text.text.toString());
                out.add(SseEvents.data(JSON.writeValueAsString(chunk)));
            } else if (segment instanceof Calls calls) {
                for (Emitted call : calls.calls) {
                    ObjectNode head = envelope(template, index);
                    ObjectNode headCall = ((ObjectNode)
                                    head.get("choices").get(0).get("delta"))
                            .putArray("tool_calls")
                            .addObject();
                    headCall.put("index", call.index).put("id", call.id).put("type", "function");
                    headCall.putObject("function").put("name", call.name).put("arguments", "");
                    out.add(SseEvents.data(JSON.writeValueAsString(head)));
                    ObjectNode body = envelope(template, index);
                    ObjectNode bodyCall = ((ObjectNode)
                                    body.get("choices").get(0).get("delta"))
                            .putArray("tool_calls")
                            .addObject();
                    bodyCall.put("index", call.index);
                    bodyCall.putObject("function").put("arguments", call.arguments);
                    out.add(SseEvents.data(JSON.writeValueAsString(body)));
                }
            }
        }
    }

    /** A new chunk with the template's top-level fields, one empty choice and {@code "usage":null} if it had usage. */
    private static ObjectNode envelope(ObjectNode template, int index) {
        ObjectNode chunk = JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> field : template.properties()) {
            switch (field.getKey()) {
                case "choices" -> {
                    ObjectNode choice = chunk.putArray("choices").addObject();
                    choice.put("index", index);
                    choice.putObject("delta");
                    choice.putNull("finish_reason");
                }
                case "usage" -> chunk.putNull("usage");
                default -> chunk.set(field.getKey(), field.getValue());
            }
        }
        return chunk;
    }

    private sealed interface Segment permits Text, Calls {}

    private record Text(StringBuilder text) implements Segment {}

    private record Calls(List<Emitted> calls) implements Segment {}

    private record Emitted(int index, String id, String name, String arguments) {}

    private static void text(List<Segment> out, CharSequence text, int from, int to) {
        if (from >= to) {
            return;
        }
        if (!out.isEmpty() && out.getLast() instanceof Text last) {
            last.text.append(text, from, to);
        } else {
            out.add(new Text(new StringBuilder().append(text, from, to)));
        }
    }

    private static void text(List<Segment> out, CharSequence text) {
        text(out, text, 0, text.length());
    }

    /** The held-text state machine of one choice. */
    private final class Scanner {

        private static final int TEXT = 0; // held: whitespace only
        private static final int OPENING = 1; // held: whitespace + a proper prefix of <tool_calls>
        private static final int BLOCK = 2; // held: whitespace + <tool_calls> + the block so far

        private final StringBuilder held = new StringBuilder();
        private int mode = TEXT;
        private int whitespace;
        private boolean afterCalls;
        private boolean called;
        private int nextIndex;

        void feed(CharSequence text, List<Segment> out) {
            int released = 0; // text[released, i) is plain text not yet copied out
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (mode == TEXT && held.isEmpty() && !afterCalls && c != '<' && !Character.isWhitespace(c)) {
                    continue; // the fast path: plain text passes straight through
                }
                text(out, text, released, i);
                step(c, out);
                released = i + 1;
            }
            text(out, text, released, text.length());
        }

        private void step(char c, List<Segment> out) {
            switch (mode) {
                case TEXT -> {
                    if (afterCalls) {
                        if (Character.isWhitespace(c)) {
                            return;
                        }
                        afterCalls = false;
                    }
                    if (Character.isWhitespace(c)) {
                        held.append(c);
                    } else if (c == '<') {
                        whitespace = held.length();
                        held.append(c);
                        mode = OPENING;
                    } else {
                        text(out, held);
                        held.setLength(0);
                        text(out, String.valueOf(c));
                    }
                }
                case OPENING -> {
                    held.append(c);
                    int length = held.length() - whitespace;
                    if (OPEN.charAt(length - 1) == c) {
                        if (length == OPEN.length()) {
                            mode = BLOCK;
                        }
                        return;
                    }
                    // not a <tool_calls> prefix after all: release up to the '<', rescan the rest
                    String s = held.toString();
                    int w = whitespace;
                    held.setLength(0);
                    whitespace = 0;
                    mode = TEXT;
                    text(out, s, 0, w + 1);
                    for (int j = w + 1; j < s.length(); j++) {
                        step(s.charAt(j), out);
                    }
                }
                default -> {
                    held.append(c);
                    if (c == '>' && endsWithClose()) {
                        complete(held.substring(whitespace + OPEN.length(), held.length() - CLOSE.length()), out);
                    }
                }
            }
        }

        private boolean endsWithClose() {
            int start = held.length() - CLOSE.length();
            if (start < whitespace + OPEN.length()) {
                return false;
            }
            for (int i = 0; i < CLOSE.length(); i++) {
                if (held.charAt(start + i) != CLOSE.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private void complete(String inner, List<Segment> out) {
            List<ToolEmulation.Call> calls = ToolEmulation.parseCalls(inner, toolNames);
            if (calls.isEmpty()) {
                text(out, held);
            } else {
                List<Emitted> emitted = new ArrayList<>(calls.size());
                for (ToolEmulation.Call call : calls) {
                    emitted.add(new Emitted(nextIndex++, ids.get(), call.name(), call.arguments()));
                }
                out.add(new Calls(emitted));
                called = true;
                afterCalls = true;
            }
            held.setLength(0);
            whitespace = 0;
            mode = TEXT;
        }

        /** The content is over (for now): held whitespace and non-block prefixes as text, a held block parsed. */
        void resolve(List<Segment> out) {
            if (mode == BLOCK) {
                complete(held.substring(whitespace + OPEN.length()), out);
                return;
            }
            text(out, held);
            held.setLength(0);
            whitespace = 0;
            mode = TEXT;
        }
    }
}
