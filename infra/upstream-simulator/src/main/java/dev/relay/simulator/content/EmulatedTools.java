package dev.relay.simulator.content;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model side of Relay's tool emulation for models without native tools: finds the contract the relay writes into
 * the system prompt (a section starting with {@value #MARKER} that lists the tools as JSON between the lines
 * {@code <tools>} and {@code </tools>}) and writes the answer the contract asks for, a {@code <tool_calls>} block.
 */
public final class EmulatedTools {

    /** The first line of the relay's contract section. */
    public static final String MARKER = "# Tools (relay tool emulation)";

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final String REQUIRED = "You must call at least one tool";
    private static final String NAMED = "You must call the tool \"";

    private EmulatedTools() {}

    /**
     * The contract of a system prompt.
     *
     * @param tools the tools listed between {@code <tools>} and {@code </tools>} (may be empty)
     * @param mode {@code REQUIRED} when the contract says a call is required, else {@code AUTO}
     * @param forcedName the tool the contract requires, or null
     */
    public record Contract(List<ToolCalls.Tool> tools, ToolCalls.Mode mode, String forcedName) {}

    /** The contract in {@code systemText}, or null when it has no {@value #MARKER} section. */
    public static Contract find(CharSequence systemText) {
        String text = systemText.toString();
        int marker = text.indexOf(MARKER);
        if (marker < 0) {
            return null;
        }
        String section = text.substring(marker + MARKER.length());
        List<ToolCalls.Tool> tools = new ArrayList<>();
        int open = line(section, "<tools>", 0);
        int close = open < 0 ? -1 : line(section, "</tools>", open);
        if (close > open) {
            readTools(section.substring(open + "<tools>".length(), close), tools);
        }
        String forced = null;
        int named = section.indexOf(NAMED);
        if (named >= 0) {
            int end = section.indexOf('"', named + NAMED.length());
            forced = end > 0 ? section.substring(named + NAMED.length(), end) : null;
        }
        ToolCalls.Mode mode =
                forced != null || section.contains(REQUIRED) ? ToolCalls.Mode.REQUIRED : ToolCalls.Mode.AUTO;
        return new Contract(List.copyOf(tools), mode, forced);
    }

    /** Whether a user message is a tool result the relay rendered ({@code <tool_result ...>}). */
    public static boolean isToolResult(String userText) {
        return userText != null && userText.stripLeading().startsWith("<tool_result");
    }

    /** The answer the contract asks for: {@code <tool_calls>\n[{"name":..,"arguments":{..}}, ...]\n</tool_calls>}. */
    public static String block(List<ToolCalls.Call> calls) {
        StringBuilder out = new StringBuilder(128).append("<tool_calls>\n[");
        for (int i = 0; i < calls.size(); i++) {
            ToolCalls.Call call = calls.get(i);
            out.append(i == 0 ? "" : ",").append("{\"name\":");
            JsonText.quote(out, call.name())
                    .append(",\"arguments\":")
                    .append(call.arguments())
                    .append('}');
        }
        return out.append("]\n</tool_calls>").toString();
    }

    /** Where {@code tag} stands on a line of its own (surrounding spaces allowed), from {@code from}; or -1. */
    private static int line(String text, String tag, int from) {
        for (int at = text.indexOf(tag, from); at >= 0; at = text.indexOf(tag, at + 1)) {
            int lineStart = text.lastIndexOf('\n', at) + 1;
            int lineEnd = text.indexOf('\n', at);
            if (text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd)
                    .strip()
                    .equals(tag)) {
                return at;
            }
        }
        return -1;
    }

    /** A JSON array of tools, or one JSON object per line. */
    private static void readTools(String listing, List<ToolCalls.Tool> out) {
        JsonNode whole = parse(listing.strip());
        if (whole != null && whole.isArray()) {
            for (JsonNode tool : whole.values()) {
                add(tool, out);
            }
            return;
        }
        for (String line : listing.split("\n")) {
            if (!line.isBlank()) {
                JsonNode tool = parse(line.strip());
                if (tool != null) {
                    add(tool, out);
                }
            }
        }
    }

    private static void add(JsonNode tool, List<ToolCalls.Tool> out) {
        String name = Nodes.text(tool.get("name"));
        if (name != null) {
            JsonNode parameters = tool.get("parameters");
            out.add(new ToolCalls.Tool(name, parameters != null ? parameters : tool.get("input_schema")));
        }
    }

    private static JsonNode parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            return null;
        }
    }
}
