package dev.relay.simulator.content;

import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic assistant reply: it names the model and a hash of the last user message, and is split into a fixed
 * number of stream chunks (whole words, padded with {@code " sim"} when the reply has fewer words than chunks).
 *
 * @param text the full reply; the concatenation of {@code chunks}
 * @param chunks the streamed pieces, in order, never empty strings
 * @param tokens completion tokens: the number of words
 */
public record ReplyText(String text, List<String> chunks, int tokens) {

    public static ReplyText of(String model, String lastUserText, int chunkCount) {
        int parts = Math.max(1, chunkCount);
        String base = "This is a simulated reply from " + model + " to message " + Hashing.hex8(lastUserText) + ".";
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= base.length(); i++) {
            if (i == base.length() || base.charAt(i) == ' ') {
                words.add(base.substring(start, i));
                start = i;
            }
        }
        while (words.size() < parts) {
            words.add(" sim");
        }
        List<String> chunks = new ArrayList<>(parts);
        StringBuilder text = new StringBuilder(base.length() + 8);
        int n = words.size();
        for (int c = 0; c < parts; c++) {
            StringBuilder chunk = new StringBuilder();
            for (int w = (int) ((long) c * n / parts); w < (int) ((long) (c + 1) * n / parts); w++) {
                chunk.append(words.get(w));
            }
            chunks.add(chunk.toString());
            text.append(chunk);
        }
        return new ReplyText(text.toString(), List.copyOf(chunks), n);
    }

    /**
     * A given reply text (e.g. a tool-emulation block, which has few spaces) split into {@code chunkCount}
     * near-equal pieces by characters ({@link Fragments#split}); tokens are its words.
     */
    public static ReplyText split(String text, int chunkCount) {
        return new ReplyText(text, List.copyOf(Fragments.split(text, Math.max(1, chunkCount))), Tokens.words(text));
    }

    /**
     * The reply under a request's limits ({@code x-sim-limits: true}): cut before the earliest stop sequence it contains
     * ({@code stopReason} {@code stop_sequence}, {@code matchedStop} the sequence), else cut to {@code maxTokens} words
     * ({@code stopReason} {@code max_tokens}); unchanged otherwise ({@code stopReason} null).
     */
    public Limited limit(Integer maxTokens, List<String> stopSequences, int chunkCount) {
        int cut = -1;
        String matched = null;
        for (String stop : stopSequences) {
            int at = stop.isEmpty() ? -1 : text.indexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
                matched = stop;
            }
        }
        if (cut >= 0) {
            String kept = text.substring(0, cut);
            return new Limited(split(kept.isEmpty() ? " " : kept, chunkCount), "stop_sequence", matched);
        }
        if (maxTokens != null && maxTokens >= 0 && tokens > maxTokens) {
            String[] words = text.split("(?<=\\S)(?=\\s)");
            StringBuilder kept = new StringBuilder();
            for (int i = 0; i < Math.min(words.length, Math.max(1, maxTokens)); i++) {
                kept.append(words[i]);
            }
            return new Limited(split(kept.toString(), chunkCount), "max_tokens", null);
        }
        return new Limited(this, null, null);
    }

    /** A reply after {@link #limit}; {@code stopReason} is null when no limit applied. */
    public record Limited(ReplyText reply, String stopReason, String matchedStop) {}

    /** The deterministic reasoning that precedes a reply under {@code x-sim-reasoning: true}. */
    public static String reasoning(String lastUserText) {
        return "Thinking about message " + Hashing.hex8(lastUserText) + ".";
    }
}
