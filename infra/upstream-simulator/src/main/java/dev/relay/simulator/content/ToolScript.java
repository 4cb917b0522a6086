package dev.relay.simulator.content;

import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A scripted tool round trip ({@code x-sim-tool-script: <tool name> <JSON arguments>}), for driving real agents: while
 * the conversation does not end with a tool result, the model calls the named tool (when the request declares it) with
 * exactly those arguments; once it ends with a tool result, the model answers {@value #ANSWER_PREFIX} followed by the
 * last non-blank line of that result (shell tools put headers such as an exit code before the output), so a test can
 * see that the tool's output really came back.
 *
 * @param tool the tool to call
 * @param arguments the call's arguments, a JSON object as text
 */
public record ToolScript(String tool, String arguments) {

    public static final String HEADER = "x-sim-tool-script";
    public static final String ANSWER_PREFIX = "Tool result received: ";
    private static final int MAX_ECHO = 200;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The script of a header value, or null when absent or malformed (name, one space, a JSON object). */
    public static ToolScript parse(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        int space = h.indexOf(' ');
        if (space <= 0) {
            return null;
        }
        String name = h.substring(0, space);
        String args = h.substring(space + 1).trim();
        try {
            JsonNode parsed = JSON.readTree(args);
            if (parsed == null || !parsed.isObject()) {
                return null;
            }
            return new ToolScript(name, JSON.writeValueAsString(parsed));
        } catch (JacksonException e) {
            return null;
        }
    }

    /** The scripted call when the request declares the tool, else none. */
    public List<ToolCalls.Call> call(List<ToolCalls.Tool> declared, String idPrefix) {
        for (ToolCalls.Tool t : declared) {
            if (t.name().equals(tool)) {
                return List.of(new ToolCalls.Call(Ids.next(idPrefix), tool, arguments));
            }
        }
        return List.of();
    }

    /** The answer to a tool result: the prefix and the result's last non-blank line, bounded. */
    public static String answer(String toolOutput) {
        String line = "";
        if (toolOutput != null) {
            for (String l : toolOutput.split("\n")) {
                if (!l.isBlank()) {
                    line = l.strip();
                }
            }
        }
        if (line.length() > MAX_ECHO) {
            line = line.substring(0, MAX_ECHO);
        }
        return ANSWER_PREFIX + line;
    }
}
