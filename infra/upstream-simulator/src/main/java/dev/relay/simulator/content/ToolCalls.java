package dev.relay.simulator.content;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * Decides whether a request gets tool calls instead of text, and builds them deterministically from the declared tool
 * schemas.
 */
public final class ToolCalls {

    /** How the request's {@code tool_choice} constrains tool use. */
    public enum Mode {
        /** The model may call a tool: it does when the last user message mentions "weather". */
        AUTO,
        /** The model must call a tool ({@code required}, {@code any}, or a named tool). */
        REQUIRED,
        /** The model must not call a tool (unless the test forces it with {@code x-sim-tool-call: true}). */
        NONE
    }

    /** A declared tool: its name and its JSON-schema {@code parameters} (may be null). */
    public record Tool(String name, JsonNode parameters) {}

    /** A tool call in the reply; {@code arguments} is JSON text. */
    public record Call(String id, String name, String arguments) {}

    private ToolCalls() {}

    /**
     * The calls to answer with, or an empty list for a text reply.
     *
     * @param tools declared tools (no tools: never a call)
     * @param mode what {@code tool_choice} asks
     * @param forcedName the tool named by {@code tool_choice}, or null
     * @param lastUserText text of the last user turn ("" when the conversation ends with a tool result)
     * @param forcedByHeader {@code x-sim-tool-call: true}
     * @param parallel how many calls ({@code x-sim-parallel-tools})
     * @param idPrefix {@code call_} or {@code toolu_}
     */
    public static List<Call> plan(
            List<Tool> tools,
            Mode mode,
            String forcedName,
            String lastUserText,
            boolean forcedByHeader,
            int parallel,
            String idPrefix) {
        if (tools.isEmpty()) {
            return List.of();
        }
        boolean call = forcedByHeader
                || mode == Mode.REQUIRED
                || (mode == Mode.AUTO
                        && lastUserText != null
                        && lastUserText.toLowerCase(Locale.ROOT).contains("weather"));
        if (!call) {
            return List.of();
        }
        int first = 0;
        if (forcedName != null) {
            for (int i = 0; i < tools.size(); i++) {
                if (forcedName.equals(tools.get(i).name())) {
                    first = i;
                    break;
                }
            }
        }
        int count = Math.max(1, parallel);
        List<Call> calls = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Tool tool = forcedName != null ? tools.get(first) : tools.get((first + i) % tools.size());
            calls.add(new Call(Ids.next(idPrefix), tool.name(), arguments(tool.parameters(), i)));
        }
        return calls;
    }

    /**
     * JSON arguments that satisfy the schema's shape: the required properties (all properties if none are required),
     * strings as {@code "sim-<name>"} ({@code -<index>} appended for the second and later parallel calls), the first
     * enum value, {@code 1}/{@code 1.5}, {@code true}, {@code []}, {@code {}}.
     */
    public static String arguments(JsonNode schema, int index) {
        StringBuilder out = new StringBuilder("{");
        if (schema == null || !schema.isObject()) {
            return out.append('}').toString();
        }
        JsonNode properties = schema.path("properties");
        Collection<String> names = new ArrayList<>();
        JsonNode required = schema.path("required");
        if (required.isArray() && !required.isEmpty()) {
            for (JsonNode name : required.values()) {
                if (name.isString()) {
                    names.add(name.stringValue());
                }
            }
        } else if (properties.isObject()) {
            names = properties.propertyNames();
        }
        boolean firstProperty = true;
        for (String name : names) {
            if (!firstProperty) {
                out.append(',');
            }
            firstProperty = false;
            JsonText.quote(out, name).append(':');
            appendValue(out, name, properties.path(name), index);
        }
        return out.append('}').toString();
    }

    private static void appendValue(StringBuilder out, String name, JsonNode property, int index) {
        JsonNode enumValues = property.path("enum");
        if (enumValues.isArray() && !enumValues.isEmpty()) {
            out.append(enumValues.get(0).toString());
            return;
        }
        JsonNode type = property.path("type");
        String kind = type.isArray() && !type.isEmpty() ? Nodes.text(type.get(0)) : Nodes.text(type);
        switch (kind == null ? "string" : kind) {
            case "integer" -> out.append(1 + index);
            case "number" -> out.append(1.5 + index);
            case "boolean" -> out.append("true");
            case "array" -> out.append("[]");
            case "object" -> out.append("{}");
            case "null" -> out.append("null");
            default -> JsonText.quote(out, "sim-" + name + (index == 0 ? "" : "-" + index));
        }
    }
}
