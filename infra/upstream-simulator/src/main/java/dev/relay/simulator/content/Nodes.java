package dev.relay.simulator.content;

import tools.jackson.databind.JsonNode;

/** Lenient reads from a parsed request: wrong types count as absent. */
public final class Nodes {

    private Nodes() {}

    public static String text(JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : null;
    }

    public static boolean bool(JsonNode node, boolean fallback) {
        return node != null && node.isBoolean() ? node.booleanValue() : fallback;
    }

    public static int integer(JsonNode node, int fallback) {
        return node != null && node.isIntegralNumber() && node.canConvertToInt() ? node.intValue() : fallback;
    }

    /**
     * The text of a message {@code content}: a string, or the {@code text} of an array of parts/blocks (OpenAI
     * {@code text}/{@code input_text}/{@code output_text} parts, Anthropic {@code text} blocks), joined by newlines.
     * Anthropic {@code tool_result} blocks contribute their own content's text.
     */
    public static String contentText(JsonNode content) {
        return contentText(content, true);
    }

    /**
     * Like {@link #contentText(JsonNode)}; with {@code includeToolResults} false, Anthropic {@code tool_result} blocks
     * are skipped (what the user typed, as opposed to what tools returned).
     */
    public static String contentText(JsonNode content, boolean includeToolResults) {
        if (content == null) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (!content.isArray()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content.values()) {
            String text = text(part.get("text"));
            if (text == null && includeToolResults && "tool_result".equals(text(part.get("type")))) {
                text = contentText(part.get("content"));
            }
            if (text != null && !text.isEmpty()) {
                if (!out.isEmpty()) {
                    out.append('\n');
                }
                out.append(text);
            }
        }
        return out.toString();
    }
}
