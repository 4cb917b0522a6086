package dev.relay.simulator.content;

import java.util.ArrayList;
import java.util.List;

/** Splits text (tool-call arguments) into near-equal pieces for streaming, never inside a surrogate pair. */
public final class Fragments {

    private Fragments() {}

    public static List<String> split(String text, int parts) {
        int count = Math.max(1, Math.min(parts, text.length()));
        List<String> out = new ArrayList<>(count);
        int start = 0;
        for (int i = 1; i <= count; i++) {
            int end = (int) ((long) i * text.length() / count);
            if (end < text.length() && end > start && Character.isLowSurrogate(text.charAt(end))) {
                end++;
            }
            if (end > start) {
                out.add(text.substring(start, end));
                start = end;
            }
        }
        if (out.isEmpty()) {
            out.add(text);
        }
        return out;
    }
}
