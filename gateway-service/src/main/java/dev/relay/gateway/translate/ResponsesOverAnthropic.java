package dev.relay.gateway.translate;

import static dev.relay.gateway.translate.ResponsesOverChat.JSON;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Responses API over an Anthropic Messages channel, composed of the two translations that exist: Responses ⇄
 * Chat ({@link ResponsesOverChat}) and Chat ⇄ Messages ({@link OpenAiOverAnthropic}). Composition keeps one place
 * per concern (conversation shape, tool calls, stop reasons, usage) instead of a third copy; what it adds is what only
 * this pair has: {@code reasoning.effort} becomes extended thinking with a budget per level.
 */
public final class ResponsesOverAnthropic {

    /** Thinking budgets per effort level, the ones {@link ReasoningControls} maps back to levels. */
    static final int LOW_BUDGET = 2_048;

    static final int MEDIUM_BUDGET = 8_192;
    static final int HIGH_BUDGET = 24_576;
    /** Anthropic's smallest thinking budget. */
    static final int MIN_BUDGET = 1_024;

    /**
     * The chat dialect of the pivot request: OpenAI's, so the effort is written as {@code reasoning_effort} and then
     * taken off again for the thinking budget below.
     */
    public static final UpstreamDialect CHAT_DIALECT =
            new UpstreamDialect(UpstreamDialect.Reasoning.REASONING_EFFORT, UpstreamDialect.SystemMessages.INLINE);

    private ResponsesOverAnthropic() {}

    /** The Anthropic Messages request for a prepared Responses request. */
    public static byte[] request(
            ResponsesOverChat.Prepared p, String upstreamModel, int defaultMaxTokens, DroppedFields dropped) {
        ObjectNode chat = p.chat().deepCopy();
        chat.remove("stream_options"); // ours, not the client's: nothing to name
        chat.remove("reasoning_effort"); // becomes the thinking budget below
        byte[] messages =
                OpenAiOverAnthropic.request(JSON.writeValueAsBytes(chat), upstreamModel, defaultMaxTokens, dropped);
        if (p.effort() == null) {
            return messages;
        }
        ObjectNode m = (ObjectNode) JSON.readTree(messages);
        long max = m.path("max_tokens").asLong(defaultMaxTokens);
        int wanted = switch (p.effort()) {
            case "low" -> LOW_BUDGET;
            case "medium" -> MEDIUM_BUDGET;
            default -> HIGH_BUDGET;
        };
        boolean clientCapped = p.chat().has("max_tokens");
        if (!clientCapped && max <= wanted) {
            max = wanted + Math.max(max, MIN_BUDGET); // room to answer after thinking
            m.put("max_tokens", max);
        }
        long budget = Math.min(wanted, max - 1);
        if (budget < MIN_BUDGET) {
            dropped.add("reasoning.effort"); // the client's token cap leaves no room for Anthropic's smallest budget
            return messages;
        }
        m.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        // extended thinking requires the default temperature and a top_p of at least 0.95
        if (m.has("temperature")) {
            m.remove("temperature");
            dropped.add("temperature");
        }
        if (m.has("top_p") && m.get("top_p").asDouble(1) < 0.95) {
            m.remove("top_p");
            dropped.add("top_p");
        }
        return JSON.writeValueAsBytes(m);
    }

    /** An Anthropic message → a Responses object; usage in the upstream's (Anthropic's) own figures. */
    public static Translated response(
            byte[] messageBody, String publicModel, ResponsesOverChat.Prepared p, String responseId, long createdAt) {
        Translated chat = OpenAiOverAnthropic.response(messageBody, publicModel, createdAt);
        Translated responses = ResponsesOverChat.response(chat.body(), publicModel, p, responseId, createdAt);
        return new Translated(responses.body(), chat.usage());
    }

    /** An Anthropic event stream → the Responses event stream. */
    public static StreamTranslator stream(
            String publicModel, ResponsesOverChat.Prepared p, String responseId, long createdAt) {
        return new Chained(
                OpenAiOverAnthropic.stream(publicModel, createdAt, true),
                new ResponsesOverChatStream(publicModel, p, responseId, createdAt));
    }

    /**
     * Two stream translations in a row: the first's client events are the second's upstream bytes. Completion,
     * in-band errors and delivered text are the second's (what the client saw); usage is the first's (the upstream's
     * own figures, as every translation reports them).
     */
    static final class Chained implements StreamTranslator {
        private final StreamTranslator first;
        private final StreamTranslator second;

        Chained(StreamTranslator first, StreamTranslator second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public List<byte[]> accept(byte[] upstreamChunk) {
            return feed(first.accept(upstreamChunk));
        }

        @Override
        public List<byte[]> finish() {
            List<byte[]> out = new ArrayList<>(feed(first.finish()));
            out.addAll(second.finish());
            return out;
        }

        @Override
        public List<byte[]> fail(String message, String code) {
            return second.fail(message, code);
        }

        @Override
        public boolean completed() {
            return second.completed();
        }

        @Override
        public boolean erroredInBand() {
            return second.erroredInBand();
        }

        @Override
        public TokenUsage usage() {
            TokenUsage u = first.usage();
            return u != null ? u : second.usage();
        }

        @Override
        public String deliveredText() {
            return second.deliveredText();
        }

        private List<byte[]> feed(List<byte[]> events) {
            if (events.isEmpty()) {
                return List.of();
            }
            List<byte[]> out = new ArrayList<>();
            for (byte[] e : events) {
                out.addAll(second.accept(e));
            }
            return out;
        }
    }
}
