package dev.relay.gateway.translate;

import dev.relay.gateway.wire.BadRequestException;
import dev.relay.gateway.wire.JsonScan;
import dev.relay.gateway.wire.SseBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tool calling for channels whose model has no native tools: the OpenAI chat request's tools are described in the
 * system prompt instead of being sent as {@code tools}, the tool history is rendered as text, and the model's textual
 * action block is turned back into real {@code tool_calls} (non-streamed by {@link Plan#response}, streamed by
 * {@link Plan#stream}, see {@link ToolEmulationStream}). Pure: bytes in, bytes out.
 *
 * <h2>The contract</h2>
 *
 * A section appended to the first {@code system}/{@code developer} message (a system message is prepended when there
 * is none), separated from what was there by a blank line (the long instruction lines are single lines in the
 * prompt, wrapped here):
 *
 * <pre>{@code
 * # Tools (relay tool emulation)
 *
 * You can call the following tools, listed one JSON object per line with the tool's name, description and
 *   JSON Schema parameters:
 * <tools>
 * {"name":"get_weather","description":"Current weather","parameters":{"type":"object","properties":{...}}}
 * </tools>
 *
 * To call tools, answer with ONLY a block in exactly this format, with no other text before or after it:
 * <tool_calls>
 * [{"name": "<tool name>", "arguments": {...}}]
 * </tool_calls>
 * The block holds a JSON array with one element per call; to call several tools at once, put several elements
 *   in the array. "arguments" is a JSON object that matches the tool's parameters.
 * Each tool result comes back in a user message of the form <tool_result tool_call_id="..." name="...">result
 *   </tool_result>; use the results to continue, calling more tools if needed.
 * If no tool is needed, answer normally, without a <tool_calls> block.
 * }</pre>
 *
 * The first line is always exactly {@value #MARKER}; the tool lines are compact JSON ({@code description} only when
 * the tool has one; {@code parameters} defaults to an empty object schema). The last line depends on
 * {@code tool_choice}: {@code "required"} → {@code You must call at least one tool in this answer.}; a named function
 * → {@code You must call the tool "<name>" in this answer.} (and only that tool is listed); {@code "none"} with tool
 * history → no {@code <tools>} list and no call instructions, only a note that earlier turns used tools and that this
 * answer must be plain text ({@code "none"} without history: the tool fields are only removed, no section is
 * added). {@code "allowed_tools"} restricts the list (its {@code mode} gives auto/required).
 * {@code parallel_tool_calls: false} adds the line {@code Call at most one tool per answer.} after the block
 * description.
 *
 * <h2>History</h2>
 *
 * An assistant message with {@code tool_calls} (or a legacy {@code function_call}) becomes an assistant message whose
 * text is its own text (if any), a newline, and the block {@code <tool_calls>\n[{"name":..,"arguments":{..}}]\n
 * </tool_calls>} (compact JSON, the arguments parsed back into JSON when they are JSON). Each {@code role: tool} (or
 * legacy {@code role: function}) message becomes {@code {"role":"user","content":"<tool_result tool_call_id=\"..\"
 * name=\"..\">\n<result text>\n</tool_result>"}}, the name looked up from the earlier call with that id.
 *
 * <h2>Parsing the reply</h2>
 *
 * Every {@code <tool_calls> ... </tool_calls>} block (an unterminated one at the end too) is read as JSON: a
 * {@code ```json} fence inside it, a single call object instead of an array, {@code {"tool_calls":[...]}}, the OpenAI
 * {@code {"function":{"name","arguments"}}} shape, and {@code arguments} as a JSON string are all accepted. Calls to
 * tools that were not offered and calls whose arguments are not a JSON object are dropped; a block with no valid call
 * stays in the text as it was. Generated call ids are {@code call_} + 24 random alphanumerics.
 */
public final class ToolEmulation {

    /** The first line of the contract section, what the simulator (and a reader of a prompt) recognises it by. */
    public static final String MARKER = "# Tools (relay tool emulation)";

    static final String OPEN = "<tool_calls>";
    static final String CLOSE = "</tool_calls>";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] TOOL = "tool".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_.:\\-]{1,128}");
    private static final char[] ALPHANUMERIC =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private ToolEmulation() {}

    /**
     * Prepares an OpenAI chat request for a channel without native tools. If the request declares no tools and has no
     * tool history (and no tool fields at all), returns a Plan with {@code active()=false} and the body unchanged
     * (the same array). Otherwise removes {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}, adds the
     * tool contract to the system prompt (prepending a system message if there is none), renders assistant
     * {@code tool_calls} history as an action block in the assistant's text and each {@code role: tool} message as a
     * user message with the tool result (see the class comment). {@code active()} is true exactly when the body was
     * rewritten; {@code toolNames} are the tools the model was offered (empty: nothing to parse back, e.g.
     * {@code tool_choice: "none"}).
     *
     * @throws BadRequestException on malformed JSON, invalid tools, an invalid {@code tool_choice} or malformed tool
     *     history
     */
    public static Plan prepare(byte[] chatBody) {
        if (chatBody == null || chatBody.length == 0 || indexOf(chatBody, TOOL) < 0) {
            return new Plan(chatBody, false, Set.of());
        }
        ObjectNode root = parseObject(chatBody);
        JsonNode messagesNode = root.get("messages");
        ArrayNode messages = messagesNode instanceof ArrayNode a ? a : null;
        List<Tool> declared = tools(root.get("tools"));
        boolean history = messages != null && hasToolHistory(messages);
        boolean toolFields = root.has("tools") || root.has("tool_choice") || root.has("parallel_tool_calls");
        if (declared.isEmpty() && !history && !toolFields) {
            return new Plan(chatBody, false, Set.of());
        }
        Choice choice = choice(root.get("tool_choice"), declared);
        boolean parallel = !root.path("parallel_tool_calls").isBoolean()
                || root.path("parallel_tool_calls").booleanValue();
        root.remove(List.of("tools", "tool_choice", "parallel_tool_calls"));
        if (messages != null && history) {
            root.set("messages", renderHistory(messages));
        }
        List<Tool> offered = choice.mode == Mode.NONE ? List.of() : choice.tools;
        if (!offered.isEmpty() || history) {
            ArrayNode target = root.get("messages") instanceof ArrayNode a ? a : root.putArray("messages");
            addToSystemPrompt(target, contract(offered, choice, parallel));
        }
        Set<String> names = new LinkedHashSet<>();
        for (Tool tool : offered) {
            names.add(tool.name);
        }
        return new Plan(JSON.writeValueAsBytes(root), true, Collections.unmodifiableSet(names));
    }

    /**
     * What {@link #prepare} decided.
     *
     * @param body the request body to send upstream
     * @param active whether the body was rewritten for emulation
     * @param toolNames the tools offered to the model; calls to other tools are dropped when parsing the reply
     */
    public record Plan(byte[] body, boolean active, Set<String> toolNames) {

        public Plan {
            toolNames = toolNames == null ? Set.of() : toolNames;
        }

        /**
         * Non-streamed chat.completion from the upstream → the same with the action block turned into
         * {@code tool_calls} (content = text outside the block, or null; finish_reason {@code "tool_calls"});
         * unchanged (the same array) when inactive or when there is no valid block.
         */
        public byte[] response(byte[] chatCompletionBody) {
            if (!active || toolNames.isEmpty() || chatCompletionBody == null) {
                return chatCompletionBody;
            }
            return ToolEmulation.response(chatCompletionBody, toolNames, ToolEmulation::newCallId);
        }

        /** Streaming: chat SSE in → chat SSE out with the action block turned into streamed tool_call deltas. */
        public ChunkTransform stream() {
            return active && !toolNames.isEmpty() ? new ToolEmulationStream(toolNames) : new PassThrough();
        }
    }

    // ---------------------------------------------------------------------------------------------------- request

    private record Tool(String name, ObjectNode definition) {}

    private enum Mode {
        AUTO,
        NONE,
        REQUIRED,
        NAMED
    }

    private record Choice(Mode mode, String name, List<Tool> tools) {}

    private static ObjectNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new BadRequestException("request body is not valid JSON", null);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new BadRequestException("request body must be a JSON object", null);
        }
        return object;
    }

    private static List<Tool> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw new BadRequestException("Invalid type for 'tools': expected an array of tools.", "tools");
        }
        Map<String, Tool> byName = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode tool : tools.values()) {
            String at = "tools[" + i++ + "]";
            if (!tool.isObject()) {
                throw new BadRequestException("Invalid type for '" + at + "': expected an object.", at);
            }
            JsonNode type = tool.get("type");
            if (type == null || !type.isString()) {
                throw new BadRequestException("Missing required parameter: '" + at + ".type'.", at + ".type");
            }
            if (!type.stringValue().equals("function")) {
                throw new BadRequestException(
                        "Tool type '" + type.stringValue() + "' cannot be used on this channel: only function tools"
                                + " are supported.",
                        at + ".type");
            }
            JsonNode function = tool.get("function");
            if (function == null || !function.isObject()) {
                throw new BadRequestException("Missing required parameter: '" + at + ".function'.", at + ".function");
            }
            JsonNode name = function.get("name");
            if (name == null || !name.isString()) {
                throw new BadRequestException(
                        "Missing required parameter: '" + at + ".function.name'.", at + ".function.name");
            }
            if (!TOOL_NAME.matcher(name.stringValue()).matches()) {
                throw new BadRequestException(
                        "Invalid '" + at + ".function.name': a tool name must be 1 to 128 letters, digits, '_', '-',"
                                + " '.' or ':'.",
                        at + ".function.name");
            }
            JsonNode description = function.get("description");
            if (description != null && !description.isNull() && !description.isString()) {
                throw new BadRequestException(
                        "Invalid type for '" + at + ".function.description': expected a string.",
                        at + ".function.description");
            }
            JsonNode parameters = function.get("parameters");
            if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
                throw new BadRequestException(
                        "Invalid type for '" + at + ".function.parameters': expected an object.",
                        at + ".function.parameters");
            }
            if (byName.containsKey(name.stringValue())) {
                throw new BadRequestException(
                        "Invalid '" + at + ".function.name': duplicate tool name '" + name.stringValue() + "'.",
                        at + ".function.name");
            }
            ObjectNode definition = JSON.createObjectNode();
            definition.put("name", name.stringValue());
            if (description != null
                    && description.isString()
                    && !description.stringValue().isBlank()) {
                definition.put("description", description.stringValue());
            }
            if (parameters != null && parameters.isObject()) {
                definition.set("parameters", parameters);
            } else {
                definition.putObject("parameters").put("type", "object").putObject("properties");
            }
            byName.put(name.stringValue(), new Tool(name.stringValue(), definition));
        }
        return List.copyOf(byName.values());
    }

    private static Choice choice(JsonNode toolChoice, List<Tool> declared) {
        if (toolChoice == null || toolChoice.isNull()) {
            return new Choice(Mode.AUTO, null, declared);
        }
        if (toolChoice.isString()) {
            return switch (toolChoice.stringValue()) {
                case "auto" -> new Choice(Mode.AUTO, null, declared);
                case "none" -> new Choice(Mode.NONE, null, declared);
                case "required" -> {
                    if (declared.isEmpty()) {
                        throw new BadRequestException(
                                "'tool_choice' is \"required\" but the request declares no tools.", "tool_choice");
                    }
                    yield new Choice(Mode.REQUIRED, null, declared);
                }
                default ->
                    throw new BadRequestException(
                            "Invalid value for 'tool_choice': expected \"none\", \"auto\", \"required\" or a function.",
                            "tool_choice");
            };
        }
        if (!toolChoice.isObject()) {
            throw new BadRequestException("Invalid type for 'tool_choice'.", "tool_choice");
        }
        String type =
                toolChoice.path("type").isString() ? toolChoice.path("type").stringValue() : null;
        if ("function".equals(type)) {
            String name = functionName(toolChoice);
            if (name == null) {
                throw new BadRequestException(
                        "Missing required parameter: 'tool_choice.function.name'.", "tool_choice.function.name");
            }
            return new Choice(Mode.NAMED, name, List.of(find(declared, name, "tool_choice.function.name")));
        }
        if ("allowed_tools".equals(type)) {
            JsonNode allowed = toolChoice.path("allowed_tools");
            String mode = allowed.path("mode").isString() ? allowed.path("mode").stringValue() : "auto";
            List<Tool> subset = new ArrayList<>();
            for (JsonNode tool : allowed.path("tools").values()) {
                String name = functionName(tool);
                if (name == null) {
                    throw new BadRequestException(
                            "Invalid 'tool_choice.allowed_tools.tools': each entry must name a function.",
                            "tool_choice.allowed_tools.tools");
                }
                Tool found = find(declared, name, "tool_choice.allowed_tools.tools");
                if (!subset.contains(found)) {
                    subset.add(found);
                }
            }
            if (subset.isEmpty()) {
                throw new BadRequestException(
                        "Invalid 'tool_choice.allowed_tools.tools': expected at least one tool.",
                        "tool_choice.allowed_tools.tools");
            }
            return switch (mode) {
                case "auto" -> new Choice(Mode.AUTO, null, List.copyOf(subset));
                case "required" -> new Choice(Mode.REQUIRED, null, List.copyOf(subset));
                default ->
                    throw new BadRequestException(
                            "Invalid value for 'tool_choice.allowed_tools.mode': expected \"auto\" or \"required\".",
                            "tool_choice.allowed_tools.mode");
            };
        }
        throw new BadRequestException(
                "Invalid value for 'tool_choice.type': expected \"function\" or \"allowed_tools\".",
                "tool_choice.type");
    }

    /** {@code {"function":{"name":..}}} (chat) or {@code {"name":..}} (Responses-style). */
    private static String functionName(JsonNode node) {
        JsonNode name = node.path("function").path("name");
        if (!name.isString()) {
            name = node.path("name");
        }
        return name.isString() ? name.stringValue() : null;
    }

    private static Tool find(List<Tool> declared, String name, String param) {
        for (Tool tool : declared) {
            if (tool.name.equals(name)) {
                return tool;
            }
        }
        throw new BadRequestException("'" + param + "' names the tool '" + name + "', which is not declared.", param);
    }

    private static boolean hasToolHistory(ArrayNode messages) {
        for (JsonNode message : messages.values()) {
            String role = message.path("role").isString() ? message.path("role").stringValue() : "";
            if (role.equals("tool") || role.equals("function")) {
                return true;
            }
            if (role.equals("assistant")
                    && ((message.path("tool_calls").isArray()
                                    && !message.path("tool_calls").isEmpty())
                            || message.path("function_call").isObject())) {
                return true;
            }
        }
        return false;
    }

    private static ArrayNode renderHistory(ArrayNode messages) {
        ArrayNode out = JSON.createArrayNode();
        Map<String, String> namesById = new HashMap<>();
        int i = 0;
        for (JsonNode message : messages.values()) {
            String at = "messages[" + i++ + "]";
            String role = message.path("role").isString() ? message.path("role").stringValue() : "";
            if (!(message instanceof ObjectNode object)) {
                out.add(message);
                continue;
            }
            switch (role) {
                case "assistant" -> out.add(renderAssistant(object, at, namesById));
                case "tool", "function" -> {
                    String id = object.path("tool_call_id").isString()
                            ? object.path("tool_call_id").stringValue()
                            : null;
                    String name = id != null ? namesById.get(id) : null;
                    if (name == null && object.path("name").isString()) {
                        name = object.path("name").stringValue();
                    }
                    StringBuilder text = new StringBuilder("<tool_result");
                    if (id != null) {
                        text.append(" tool_call_id=\"").append(attribute(id)).append('"');
                    }
                    if (name != null) {
                        text.append(" name=\"").append(attribute(name)).append('"');
                    }
                    text.append(">\n")
                            .append(contentText(object.get("content")))
                            .append("\n</tool_result>");
                    ObjectNode user = JSON.createObjectNode();
                    user.put("role", "user");
                    user.put("content", text.toString());
                    out.add(user);
                }
                default -> out.add(object);
            }
        }
        return out;
    }

    private static ObjectNode renderAssistant(ObjectNode message, String at, Map<String, String> namesById) {
        JsonNode toolCalls = message.get("tool_calls");
        JsonNode functionCall = message.get("function_call");
        List<JsonNode> calls = new ArrayList<>();
        if (toolCalls != null && toolCalls.isArray()) {
            calls.addAll(toolCalls.values());
        } else if (toolCalls != null && !toolCalls.isNull()) {
            throw new BadRequestException("Invalid type for '" + at + ".tool_calls': expected an array.", at);
        }
        if (calls.isEmpty() && functionCall != null && functionCall.isObject()) {
            ObjectNode wrapped = JSON.createObjectNode();
            wrapped.set("function", functionCall);
            calls.add(wrapped);
        }
        if (calls.isEmpty()) {
            return message;
        }
        ArrayNode block = JSON.createArrayNode();
        int j = 0;
        for (JsonNode call : calls) {
            String callAt = at + ".tool_calls[" + j++ + "]";
            JsonNode name = call.path("function").path("name");
            if (!name.isString()) {
                throw new BadRequestException(
                        "Missing required parameter: '" + callAt + ".function.name'.", callAt + ".function.name");
            }
            if (call.path("id").isString()) {
                namesById.put(call.path("id").stringValue(), name.stringValue());
            }
            ObjectNode rendered = block.addObject();
            rendered.put("name", name.stringValue());
            rendered.set("arguments", argumentsForHistory(call.path("function").get("arguments")));
        }
        ObjectNode copy = message.deepCopy();
        copy.remove(List.of("tool_calls", "function_call"));
        String text = contentText(message.get("content")).strip();
        String blockText = OPEN + "\n" + JSON.writeValueAsString(block) + "\n" + CLOSE;
        copy.put("content", text.isEmpty() ? blockText : text + "\n" + blockText);
        return copy;
    }

    private static JsonNode argumentsForHistory(JsonNode arguments) {
        if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
            return JSON.createObjectNode();
        }
        if (!arguments.isString()) {
            return arguments;
        }
        String text = arguments.stringValue();
        if (text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            return arguments;
        }
    }

    /** A string content, or the {@code text} of every part of an array content joined by newlines. */
    private static String contentText(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content.values()) {
            JsonNode text = part.isString() ? part : part.path("text");
            if (text.isString()) {
                if (!out.isEmpty()) {
                    out.append('\n');
                }
                out.append(text.stringValue());
            }
        }
        return out.toString();
    }

    private static String attribute(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    private static void addToSystemPrompt(ArrayNode messages, String section) {
        for (JsonNode message : messages.values()) {
            String role = message.path("role").isString() ? message.path("role").stringValue() : "";
            if ((role.equals("system") || role.equals("developer")) && message instanceof ObjectNode system) {
                JsonNode content = system.get("content");
                if (content instanceof ArrayNode parts) {
                    parts.addObject().put("type", "text").put("text", section);
                } else {
                    String existing = content != null && content.isString() ? content.stringValue() : "";
                    system.put("content", existing.isBlank() ? section : existing + "\n\n" + section);
                }
                return;
            }
        }
        ObjectNode system = JSON.createObjectNode();
        system.put("role", "system");
        system.put("content", section);
        messages.insert(0, system);
    }

    private static String contract(List<Tool> tools, Choice choice, boolean parallel) {
        StringBuilder out = new StringBuilder(512).append(MARKER).append("\n\n");
        if (tools.isEmpty()) {
            return out.append("Earlier in this conversation tools were called with <tool_calls> blocks and their")
                    .append(" results came back in <tool_result> messages. No tools can be called now: answer")
                    .append(" normally, in plain text, without a <tool_calls> block.")
                    .toString();
        }
        out.append("You can call the following tools, listed one JSON object per line with the tool's name,")
                .append(" description and JSON Schema parameters:\n<tools>\n");
        for (Tool tool : tools) {
            out.append(JSON.writeValueAsString(tool.definition)).append('\n');
        }
        out.append("</tools>\n\n")
                .append("To call tools, answer with ONLY a block in exactly this format, with no other text before or")
                .append(" after it:\n")
                .append(OPEN)
                .append("\n[{\"name\": \"<tool name>\", \"arguments\": {...}}]\n")
                .append(CLOSE)
                .append("\nThe block holds a JSON array with one element per call; to call several tools at once, put")
                .append(" several elements in the array. \"arguments\" is a JSON object that matches the tool's")
                .append(" parameters.\n");
        if (!parallel) {
            out.append("Call at most one tool per answer.\n");
        }
        out.append("Each tool result comes back in a user message of the form")
                .append(" <tool_result tool_call_id=\"...\" name=\"...\">result</tool_result>; use the results to")
                .append(" continue, calling more tools if needed.\n");
        return switch (choice.mode) {
            case REQUIRED ->
                out.append("You must call at least one tool in this answer.").toString();
            case NAMED ->
                out.append("You must call the tool \"")
                        .append(choice.name)
                        .append("\" in this answer.")
                        .toString();
            default ->
                out.append("If no tool is needed, answer normally, without a <tool_calls> block.")
                        .toString();
        };
    }

    // --------------------------------------------------------------------------------------------------- response

    /** A parsed call: the tool name and its arguments as compact JSON object text. */
    record Call(String name, String arguments) {}

    /**
     * The valid calls of the text inside one {@code <tool_calls>} block (empty when there are none): JSON, optionally
     * fenced, an array of calls or a single call.
     */
    static List<Call> parseCalls(String inner, Set<String> toolNames) {
        String text = inner.strip();
        if (text.startsWith("```")) {
            int newline = text.indexOf('\n');
            text = newline < 0 ? text.substring(3) : text.substring(newline + 1);
            if (text.stripTrailing().endsWith("```")) {
                text = text.stripTrailing();
                text = text.substring(0, text.length() - 3);
            }
            text = text.strip();
        }
        if (text.isEmpty()) {
            return List.of();
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            return List.of();
        }
        if (node == null) {
            return List.of();
        }
        if (node.isObject() && node.path("tool_calls").isArray()) {
            node = node.get("tool_calls");
        }
        List<JsonNode> elements = node.isArray() ? List.copyOf(node.values()) : List.of(node);
        List<Call> calls = new ArrayList<>(elements.size());
        for (JsonNode element : elements) {
            Call call = call(element, toolNames);
            if (call != null) {
                calls.add(call);
            }
        }
        return calls;
    }

    private static Call call(JsonNode element, Set<String> toolNames) {
        if (!element.isObject()) {
            return null;
        }
        JsonNode source = element.path("name").isString() ? element : element.path("function");
        JsonNode name = source.path("name");
        if (!name.isString() || !toolNames.contains(name.stringValue())) {
            return null;
        }
        JsonNode arguments = source.get("arguments");
        if (arguments == null || arguments.isNull()) {
            arguments = source.get("parameters");
        }
        if (arguments == null || arguments.isNull()) {
            return new Call(name.stringValue(), "{}");
        }
        if (arguments.isString()) {
            String text = arguments.stringValue().strip();
            if (text.isEmpty()) {
                return new Call(name.stringValue(), "{}");
            }
            try {
                arguments = JSON.readTree(text);
            } catch (JacksonException e) {
                return null;
            }
        }
        return arguments != null && arguments.isObject()
                ? new Call(name.stringValue(), JSON.writeValueAsString(arguments))
                : null;
    }

    /** The text of a reply split into the text outside valid blocks and the calls of those blocks. */
    record Extracted(String text, List<Call> calls) {}

    /** Null when the text has no valid block. */
    static Extracted extract(String content, Set<String> toolNames) {
        List<Call> calls = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        int from = 0;
        int search = 0;
        while (true) {
            int open = content.indexOf(OPEN, search);
            if (open < 0) {
                break;
            }
            int close = content.indexOf(CLOSE, open + OPEN.length());
            int innerEnd = close < 0 ? content.length() : close;
            int end = close < 0 ? content.length() : close + CLOSE.length();
            List<Call> found = parseCalls(content.substring(open + OPEN.length(), innerEnd), toolNames);
            if (!found.isEmpty()) {
                calls.addAll(found);
                kept.add(content.substring(from, open));
                from = end;
            }
            search = end;
        }
        if (calls.isEmpty()) {
            return null;
        }
        kept.add(content.substring(from));
        StringBuilder text = new StringBuilder();
        for (String piece : kept) {
            String stripped = piece.strip();
            if (!stripped.isEmpty()) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(stripped);
            }
        }
        return new Extracted(text.isEmpty() ? null : text.toString(), calls);
    }

    static byte[] response(byte[] body, Set<String> toolNames, Supplier<String> ids) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            return body;
        }
        if (root == null || !root.path("choices").isArray()) {
            return body;
        }
        boolean changed = false;
        for (JsonNode choice : root.path("choices").values()) {
            if (!(choice instanceof ObjectNode choiceObject)
                    || !(choice.get("message") instanceof ObjectNode message)) {
                continue;
            }
            JsonNode content = message.get("content");
            if (content == null || !content.isString() || !content.stringValue().contains(OPEN)) {
                continue;
            }
            Extracted extracted = extract(content.stringValue(), toolNames);
            if (extracted == null) {
                continue;
            }
            changed = true;
            if (extracted.text() == null) {
                message.putNull("content");
            } else {
                message.put("content", extracted.text());
            }
            ArrayNode toolCalls =
                    message.get("tool_calls") instanceof ArrayNode existing ? existing : message.putArray("tool_calls");
            for (Call call : extracted.calls()) {
                ObjectNode out = toolCalls.addObject();
                out.put("id", ids.get());
                out.put("type", "function");
                out.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
            choiceObject.put("finish_reason", "tool_calls");
        }
        return changed ? JSON.writeValueAsBytes(root) : body;
    }

    /** {@code call_} + 24 random alphanumerics. */
    static String newCallId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[29];
        "call_".getChars(0, 5, id, 0);
        for (int i = 5; i < id.length; i++) {
            id[i] = ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)];
        }
        return new String(id);
    }

    static JsonMapper json() {
        return JSON;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        return JsonScan.indexOf(haystack, 0, haystack.length, needle);
    }

    /** The transform of an inactive plan: complete events, unchanged. */
    private static final class PassThrough implements ChunkTransform {

        private final SseBuffer buffer = new SseBuffer();

        @Override
        public List<byte[]> accept(byte[] chunk) {
            return buffer.events(chunk);
        }

        @Override
        public List<byte[]> finish() {
            byte[] rest = buffer.remainder();
            return rest == null ? List.of() : List.of(rest);
        }
    }
}
