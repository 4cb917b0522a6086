package dev.relay.gateway.translate;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.wire.BadRequestException;
import dev.relay.gateway.wire.UsageReader;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Anthropic Messages client over an OpenAI Chat Completions channel: the request (Messages → Chat), the non-streamed
 * response ({@code chat.completion} → Messages {@code message}) and, through {@link #stream}, the streamed response
 * ({@code chat.completion.chunk} events → Anthropic's event sequence). Pure: bytes in, bytes out.
 *
 * <p>What a Chat channel cannot express is degraded visibly ({@code document} blocks become a {@code [document]}
 * placeholder unless they carry plain text, images inside tool results become {@code [image]}, {@code tool_reference}
 * blocks become a line of text) or dropped and named in {@link DroppedFields} (the response header {@value
 * DroppedFields#HEADER}): unknown top-level fields, {@code context_management}, {@code top_k}, Anthropic server tools,
 * {@code cache_control}, tool fields such as {@code defer_loading}, and thinking or effort requests the channel's
 * {@link UpstreamDialect} has no control for. A 400 only where dropping would silently change what the client
 * explicitly required: a {@code tool_choice} forcing a tool the upstream cannot call. Thinking blocks in the history
 * are dropped: a Chat upstream has no way to take them back.
 *
 * <p>System messages inside {@code messages} (Claude Code sends its environment details that way) stay system
 * messages at their place, or are merged into the leading system message where the dialect says the upstream wants
 * only one, first.
 */
public final class AnthropicOverOpenAi {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BLOCK_SEPARATOR = "\n\n";
    private static final int MAX_ID_CHARS = 128;

    private AnthropicOverOpenAi() {}

    // ------------------------------------------------------------------------------------------------------ request

    /**
     * Anthropic Messages request body -> OpenAI Chat Completions request body for the upstream, with {@code model} =
     * upstreamModel. When the request streams, adds {@code "stream_options":{"include_usage":true}}.
     *
     * @throws BadRequestException for invalid client input
     */
    public static byte[] request(byte[] messagesBody, String upstreamModel) {
        return request(messagesBody, upstreamModel, UpstreamDialect.DEFAULT, new DroppedFields());
    }

    /**
     * The translation for one channel's dialect; what could not be carried is added to {@code dropped}.
     *
     * @throws BadRequestException for invalid client input
     */
    public static byte[] request(
            byte[] messagesBody, String upstreamModel, UpstreamDialect dialect, DroppedFields dropped) {
        return JSON.writeValueAsBytes(requestTree(parseClient(messagesBody), upstreamModel, dialect, dropped));
    }

    /**
     * The same translation on an already parsed Messages request (for callers that hold the tree anyway, e.g. a local
     * token count), returning the Chat request as a tree.
     *
     * @throws BadRequestException for invalid client input
     */
    public static ObjectNode requestTree(JsonNode root, String upstreamModel) {
        return requestTree(root, upstreamModel, UpstreamDialect.DEFAULT, new DroppedFields());
    }

    /** Fields of a Messages request this translation reads; every other field is dropped and named. */
    private static final java.util.Set<String> KNOWN_FIELDS = java.util.Set.of(
            "model",
            "max_tokens",
            "messages",
            "system",
            "stop_sequences",
            "temperature",
            "top_p",
            "stream",
            "metadata",
            "tools",
            "tool_choice",
            "thinking",
            "output_config",
            "output_format");

    /**
     * The translation on a parsed request for one channel's dialect, collecting what is dropped.
     *
     * @throws BadRequestException for invalid client input
     */
    public static ObjectNode requestTree(
            JsonNode root, String upstreamModel, UpstreamDialect dialect, DroppedFields dropped) {
        if (root == null || !root.isObject()) {
            throw new BadRequestException("request body must be a JSON object", null);
        }
        JsonNode model = root.get("model");
        if (model == null || !model.isString() || model.stringValue().isBlank()) {
            throw new BadRequestException("model: a model name (string) is required", "model");
        }
        JsonNode maxTokens = root.get("max_tokens");
        if (maxTokens == null || maxTokens.isNull()) {
            throw new BadRequestException("max_tokens: field required", "max_tokens");
        }
        if (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToLong() || maxTokens.longValue() < 1) {
            throw new BadRequestException("max_tokens: must be a positive integer", "max_tokens");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new BadRequestException("messages: an array of messages is required", "messages");
        }
        if (messages.isEmpty()) {
            throw new BadRequestException("messages: at least one message is required", "messages");
        }

        ObjectNode out = JSON.createObjectNode();
        out.put("model", upstreamModel);
        ArrayNode chat = out.putArray("messages");
        Context cx = new Context(dialect, dropped);
        String system = systemText(root.get("system"), "system", cx);
        boolean leading = dialect.systemMessages() == UpstreamDialect.SystemMessages.LEADING;
        List<String> leadingSystem = new ArrayList<>();
        if (!system.isEmpty()) {
            if (leading) {
                leadingSystem.add(system);
            } else {
                chat.addObject().put("role", "system").put("content", system);
            }
        }
        for (int i = 0; i < messages.size(); i++) {
            message(messages.get(i), i, i == messages.size() - 1, chat, leading ? leadingSystem : null, cx);
        }
        if (!leadingSystem.isEmpty()) {
            chat.insert(
                    0,
                    JSON.createObjectNode()
                            .put("role", "system")
                            .put("content", String.join(BLOCK_SEPARATOR, leadingSystem)));
        }
        // OpenAI's reasoning models refuse max_tokens; they take max_completion_tokens (which includes reasoning)
        out.put(
                dialect.reasoning() == UpstreamDialect.Reasoning.REASONING_EFFORT
                        ? "max_completion_tokens"
                        : "max_tokens",
                maxTokens.longValue());

        JsonNode stops = root.get("stop_sequences");
        if (stops != null && !stops.isNull()) {
            if (!stops.isArray()) {
                throw new BadRequestException("stop_sequences: must be an array of strings", "stop_sequences");
            }
            ArrayNode stop = JSON.createArrayNode();
            for (JsonNode s : stops.values()) {
                if (!s.isString()) {
                    throw new BadRequestException("stop_sequences: must be an array of strings", "stop_sequences");
                }
                stop.add(s.stringValue());
            }
            if (!stop.isEmpty()) {
                out.set("stop", stop);
            }
        }
        copyNumber(root, "temperature", out);
        copyNumber(root, "top_p", out);

        JsonNode stream = root.get("stream");
        if (stream != null && !stream.isNull()) {
            if (!stream.isBoolean()) {
                throw new BadRequestException("stream: must be a boolean", "stream");
            }
            out.put("stream", stream.booleanValue());
            if (stream.booleanValue()) {
                out.putObject("stream_options").put("include_usage", true);
            }
        }
        JsonNode metadata = root.get("metadata");
        if (metadata != null && metadata.isObject()) {
            for (String field : metadata.propertyNames()) {
                JsonNode v = metadata.get(field);
                if (field.equals("user_id") && v.isString()) {
                    if (!v.stringValue().isEmpty()) {
                        out.put("user", v.stringValue());
                    }
                } else if (!v.isNull()) {
                    dropped.add("metadata." + field);
                }
            }
        }
        tools(root, out, cx);
        ReasoningControls.fromMessages(root, out, dialect.reasoning(), dropped);
        outputFormat(root, out, dropped);
        for (String field : root.propertyNames()) {
            if (!KNOWN_FIELDS.contains(field) && !root.get(field).isNull()) {
                dropped.add(field);
            }
        }
        return out;
    }

    /** Per-request translation context: the channel's dialect and what was dropped. */
    private record Context(UpstreamDialect dialect, DroppedFields dropped) {
        void cacheControl(JsonNode node) {
            if (node != null
                    && node.has("cache_control")
                    && !node.get("cache_control").isNull()) {
                dropped.add("cache_control");
            }
        }
    }

    /**
     * Structured output: {@code output_config.format} (or the earlier beta's top-level {@code output_format}) of type
     * {@code json_schema} becomes Chat's {@code response_format} with that schema.
     */
    private static void outputFormat(JsonNode root, ObjectNode out, DroppedFields dropped) {
        JsonNode format = root.path("output_config").get("format");
        String param = "output_config.format";
        if (format == null || format.isNull()) {
            format = root.get("output_format");
            param = "output_format";
        }
        if (format == null || format.isNull()) {
            return;
        }
        if (!format.isObject() || !"json_schema".equals(format.path("type").asString(""))) {
            dropped.add(param);
            return;
        }
        JsonNode schema = format.get("schema");
        if (schema == null || !schema.isObject()) {
            throw new BadRequestException(param + ".schema: a JSON schema object is required", param + ".schema");
        }
        ObjectNode rf = out.putObject("response_format").put("type", "json_schema");
        rf.putObject("json_schema").put("name", "output").put("strict", true).set("schema", schema);
    }

    private static JsonNode parseClient(byte[] body) {
        JsonNode root;
        try {
            root = body == null ? null : JSON.readTree(body);
        } catch (JacksonException e) {
            throw new BadRequestException("request body is not valid JSON", null);
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException("request body must be a JSON object", null);
        }
        return root;
    }

    private static void copyNumber(JsonNode root, String field, ObjectNode out) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isNumber()) {
            throw new BadRequestException(field + ": must be a number", field);
        }
        out.set(field, v);
    }

    /** The {@code system} parameter as one string: a string, or text blocks joined; "" when absent. */
    private static String systemText(JsonNode system, String where, Context cx) {
        if (system == null || system.isNull()) {
            return "";
        }
        if (system.isString()) {
            return system.stringValue();
        }
        if (!system.isArray()) {
            throw new BadRequestException(where + ": must be a string or an array of text blocks", where);
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            String param = where + "." + i;
            if (!"text".equals(blockType(block, param))) {
                throw new BadRequestException(param + ".type: system blocks must be of type text", param + ".type");
            }
            cx.cacheControl(block);
            texts.add(requiredString(block, "text", param));
        }
        return String.join(BLOCK_SEPARATOR, texts);
    }

    private static void message(
            JsonNode message, int i, boolean last, ArrayNode chat, List<String> leadingSystem, Context cx) {
        String param = "messages." + i;
        if (message == null || !message.isObject()) {
            throw new BadRequestException(param + ": must be an object", param);
        }
        JsonNode role = message.get("role");
        String r = role != null && role.isString() ? role.stringValue() : null;
        if ("system".equals(r)) {
            // a system message inside the conversation (Claude Code's environment details): kept at its place, or
            // merged into the leading one where the upstream accepts a system message only first
            String text = systemText(message.get("content"), param + ".content", cx);
            if (!text.isBlank()) {
                if (leadingSystem != null) {
                    leadingSystem.add(text);
                } else {
                    chat.addObject().put("role", "system").put("content", text);
                }
            }
            return;
        }
        if (!"user".equals(r) && !"assistant".equals(r)) {
            throw new BadRequestException(
                    param + ".role: must be \"user\", \"assistant\" or \"system\"", param + ".role");
        }
        JsonNode content = message.get("content");
        String contentParam = param + ".content";
        if (content == null || !(content.isString() || content.isArray())) {
            throw new BadRequestException(
                    contentParam + ": must be a string or an array of content blocks", contentParam);
        }
        boolean empty = content.isString() ? content.stringValue().isEmpty() : content.isEmpty();
        if (empty) {
            if ("assistant".equals(r) && last) {
                return; // an empty final assistant turn (prefill) carries nothing
            }
            throw new BadRequestException(
                    contentParam + ": messages must have non-empty content except for the optional final"
                            + " assistant message",
                    contentParam);
        }
        if ("user".equals(r)) {
            userMessage(content, contentParam, chat, cx);
        } else {
            assistantMessage(content, contentParam, chat, cx);
        }
    }

    private static void userMessage(JsonNode content, String param, ArrayNode chat, Context cx) {
        if (content.isString()) {
            chat.addObject().put("role", "user").put("content", content.stringValue());
            return;
        }
        ArrayNode parts = JSON.createArrayNode();
        boolean toolResults = false;
        List<String> droppedTypes = new ArrayList<>();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = content.get(j);
            String blockParam = param + "." + j;
            String type = blockType(block, blockParam);
            cx.cacheControl(block);
            switch (type) {
                case "text" ->
                    parts.addObject().put("type", "text").put("text", requiredString(block, "text", blockParam));
                case "image" -> parts.add(imagePart(block.get("source"), blockParam + ".source"));
                case "document" -> parts.addObject().put("type", "text").put("text", documentText(block));
                case "tool_result" -> {
                    chat.add(toolMessage(block, blockParam, cx));
                    toolResults = true;
                }
                case "tool_use", "thinking", "redacted_thinking" -> throw misplaced(type, blockParam, "user");
                default -> {
                    cx.dropped().add("content." + type);
                    droppedTypes.add(type);
                }
            }
        }
        if (parts.isEmpty() && !toolResults && !droppedTypes.isEmpty()) {
            // everything in the turn was dropped: keep the turn, so the conversation keeps its shape
            parts.addObject().put("type", "text").put("text", "[" + String.join("] [", droppedTypes) + "]");
        }
        if (parts.isEmpty()) {
            return; // the turn held only tool results
        }
        ObjectNode user = chat.addObject().put("role", "user");
        if (parts.size() == 1 && "text".equals(parts.get(0).get("type").stringValue())) {
            user.put("content", parts.get(0).get("text").stringValue());
        } else {
            user.set("content", parts);
        }
    }

    private static ObjectNode imagePart(JsonNode source, String param) {
        if (source == null || !source.isObject()) {
            throw new BadRequestException(param + ": an image source object is required", param);
        }
        JsonNode type = source.get("type");
        String t = type != null && type.isString() ? type.stringValue() : "";
        String url = switch (t) {
            case "base64" ->
                "data:" + requiredString(source, "media_type", param) + ";base64,"
                        + requiredString(source, "data", param);
            case "url" -> requiredString(source, "url", param);
            default ->
                throw new BadRequestException(
                        param + ".type: image source type \"" + t + "\" is not supported by this model's channel",
                        param + ".type");
        };
        ObjectNode part = JSON.createObjectNode().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    /** A document as the text a text-only channel can read: its text when it has a plain-text source. */
    private static String documentText(JsonNode block) {
        JsonNode source = block.path("source");
        String type = source.path("type").asString("");
        if ("text".equals(type) && source.path("data").isString()) {
            return source.get("data").stringValue();
        }
        if ("content".equals(type) && source.path("content").isString()) {
            return source.get("content").stringValue();
        }
        if ("content".equals(type) && source.path("content").isArray()) {
            List<String> texts = new ArrayList<>();
            for (JsonNode b : source.get("content").values()) {
                if ("text".equals(b.path("type").asString("")) && b.path("text").isString()) {
                    texts.add(b.get("text").stringValue());
                }
            }
            if (!texts.isEmpty()) {
                return String.join(BLOCK_SEPARATOR, texts);
            }
        }
        return "[document]";
    }

    private static ObjectNode toolMessage(JsonNode block, String param, Context cx) {
        String id = requiredString(block, "tool_use_id", param);
        JsonNode content = block.get("content");
        String text;
        if (content == null || content.isNull()) {
            text = "";
        } else if (content.isString()) {
            text = content.stringValue();
        } else if (content.isArray()) {
            List<String> texts = new ArrayList<>();
            for (int k = 0; k < content.size(); k++) {
                JsonNode inner = content.get(k);
                String innerParam = param + ".content." + k;
                String type = blockType(inner, innerParam);
                cx.cacheControl(inner);
                switch (type) {
                    case "text" -> texts.add(requiredString(inner, "text", innerParam));
                    case "image" -> texts.add("[image]");
                    case "document" -> texts.add(documentText(inner));
                    // tool search results: on Anthropic they load a deferred tool; here every tool is already sent
                    case "tool_reference" ->
                        texts.add("Tool loaded: " + inner.path("tool_name").asString(""));
                    default -> cx.dropped().add("content." + type);
                }
            }
            text = String.join(BLOCK_SEPARATOR, texts);
        } else {
            throw new BadRequestException(
                    param + ".content: must be a string or an array of content blocks", param + ".content");
        }
        JsonNode isError = block.get("is_error");
        if (isError != null && isError.isBoolean() && isError.booleanValue()) {
            text = "Error: " + text;
        }
        return JSON.createObjectNode()
                .put("role", "tool")
                .put("tool_call_id", id)
                .put("content", text);
    }

    private static void assistantMessage(JsonNode content, String param, ArrayNode chat, Context cx) {
        if (content.isString()) {
            chat.addObject().put("role", "assistant").put("content", content.stringValue());
            return;
        }
        List<String> thinking = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        ArrayNode calls = JSON.createArrayNode();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = content.get(j);
            String blockParam = param + "." + j;
            String type = blockType(block, blockParam);
            cx.cacheControl(block);
            switch (type) {
                case "text" -> texts.add(requiredString(block, "text", blockParam));
                case "tool_use" -> {
                    String id = requiredString(block, "id", blockParam);
                    String name = requiredString(block, "name", blockParam);
                    JsonNode input = block.get("input");
                    if (input != null && !input.isNull() && !input.isObject()) {
                        throw new BadRequestException(blockParam + ".input: must be an object", blockParam + ".input");
                    }
                    ObjectNode call = calls.addObject().put("id", id).put("type", "function");
                    call.putObject("function")
                            .put("name", name)
                            .put("arguments", input == null || input.isNull() ? "{}" : JSON.writeValueAsString(input));
                }
                case "thinking" -> {
                    // upstreams with thinking: {type} (DeepSeek, GLM, Kimi) want it back as reasoning_content with the
                    // tool calls it led to; the others cannot take reasoning back, so it is dropped
                    if (block.path("thinking").isString()) {
                        thinking.add(block.get("thinking").stringValue());
                    }
                }
                case "redacted_thinking" -> {
                    // encrypted for Anthropic only: nothing another upstream can read
                }
                case "tool_result", "image", "document" -> throw misplaced(type, blockParam, "assistant");
                default -> cx.dropped().add("content." + type);
            }
        }
        if (texts.isEmpty() && calls.isEmpty()) {
            return; // only thinking
        }
        ObjectNode assistant = chat.addObject().put("role", "assistant");
        if (texts.isEmpty()) {
            assistant.putNull("content");
        } else {
            assistant.put("content", String.join(BLOCK_SEPARATOR, texts));
        }
        if (!thinking.isEmpty() && cx.dialect().reasoning() == UpstreamDialect.Reasoning.THINKING_TYPE) {
            assistant.put("reasoning_content", String.join("", thinking));
        }
        if (!calls.isEmpty()) {
            assistant.set("tool_calls", calls);
        }
    }

    /** Fields of a custom tool this translation carries; others are dropped and named {@code tools.<field>}. */
    private static final java.util.Set<String> TOOL_FIELDS =
            java.util.Set.of("type", "name", "description", "input_schema", "strict", "cache_control");

    private static void tools(JsonNode root, ObjectNode out, Context cx) {
        JsonNode tools = root.get("tools");
        ArrayNode functions = JSON.createArrayNode();
        java.util.Set<String> droppedTools = new java.util.HashSet<>();
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw new BadRequestException("tools: must be an array", "tools");
            }
            for (int i = 0; i < tools.size(); i++) {
                JsonNode tool = tools.get(i);
                String param = "tools." + i;
                if (tool == null || !tool.isObject()) {
                    throw new BadRequestException(param + ": must be an object", "tools");
                }
                JsonNode name = tool.get("name");
                JsonNode type = tool.get("type");
                if (type != null && !type.isNull() && !(type.isString() && "custom".equals(type.stringValue()))) {
                    // an Anthropic-defined tool (web_search_*, code_execution_*, bash_*, ...): a Chat upstream
                    // cannot run or declare it
                    String t = type.isString() ? type.stringValue() : "unknown";
                    cx.dropped().add("tools." + t);
                    if (name != null && name.isString()) {
                        droppedTools.add(name.stringValue());
                    }
                    continue;
                }
                if (name == null || !name.isString() || name.stringValue().isEmpty()) {
                    throw new BadRequestException(param + ".name: a tool name (string) is required", "tools");
                }
                ObjectNode fn = functions.addObject().put("type", "function").putObject("function");
                fn.put("name", name.stringValue());
                JsonNode description = tool.get("description");
                if (description != null && description.isString()) {
                    fn.put("description", description.stringValue());
                }
                JsonNode schema = tool.get("input_schema");
                if (schema != null && schema.isObject()) {
                    fn.set("parameters", schema);
                } else if (schema != null && !schema.isNull()) {
                    throw new BadRequestException(param + ".input_schema: must be an object", "tools");
                } else {
                    fn.putObject("parameters").put("type", "object").putObject("properties");
                }
                JsonNode strict = tool.get("strict");
                if (strict != null && strict.isBoolean()) {
                    fn.put("strict", strict.booleanValue());
                }
                cx.cacheControl(tool);
                for (String field : tool.propertyNames()) {
                    if (!TOOL_FIELDS.contains(field) && !tool.get(field).isNull()) {
                        // defer_loading: every tool is sent, so a deferred one is simply visible from the start
                        cx.dropped().add("tools." + field);
                    }
                }
            }
        }

        JsonNode choice = root.get("tool_choice");
        JsonNode chatChoice = null;
        boolean noParallel = false;
        if (choice != null && !choice.isNull()) {
            if (!choice.isObject() || !choice.path("type").isString()) {
                throw new BadRequestException("tool_choice: must be an object with a type", "tool_choice");
            }
            String type = choice.get("type").stringValue();
            chatChoice = switch (type) {
                case "auto" -> JSON.getNodeFactory().stringNode("auto");
                case "any" -> {
                    if (functions.isEmpty() && !droppedTools.isEmpty()) {
                        throw new BadRequestException(
                                "tool_choice: a tool call is required, but this model's channel cannot run any of"
                                        + " the requested tools ("
                                        + String.join(", ", new java.util.TreeSet<>(droppedTools))
                                        + ")",
                                "tool_choice");
                    }
                    yield JSON.getNodeFactory().stringNode("required");
                }
                case "none" -> JSON.getNodeFactory().stringNode("none");
                case "tool" -> {
                    JsonNode name = choice.get("name");
                    if (name == null || !name.isString() || name.stringValue().isEmpty()) {
                        throw new BadRequestException(
                                "tool_choice.name: required when tool_choice.type is tool", "tool_choice");
                    }
                    if (droppedTools.contains(name.stringValue())) {
                        throw new BadRequestException(
                                "tool_choice: the tool '" + name.stringValue() + "' is an Anthropic server tool that"
                                        + " this model's channel cannot run",
                                "tool_choice");
                    }
                    ObjectNode named = JSON.createObjectNode().put("type", "function");
                    named.putObject("function").put("name", name.stringValue());
                    yield named;
                }
                default ->
                    throw new BadRequestException("tool_choice.type: unknown tool choice type " + type, "tool_choice");
            };
            JsonNode disable = choice.get("disable_parallel_tool_use");
            noParallel = disable != null && disable.isBoolean() && disable.booleanValue();
        }
        if (functions.isEmpty()) {
            return; // a Chat upstream rejects tool_choice without tools
        }
        out.set("tools", functions);
        if (chatChoice != null) {
            out.set("tool_choice", chatChoice);
        }
        if (noParallel) {
            out.put("parallel_tool_calls", false);
        }
    }

    private static String blockType(JsonNode block, String param) {
        if (block == null || !block.isObject()) {
            throw new BadRequestException(param + ": content blocks must be objects", param);
        }
        JsonNode type = block.get("type");
        if (type == null || !type.isString()) {
            throw new BadRequestException(param + ".type: a block type (string) is required", param + ".type");
        }
        return type.stringValue();
    }

    private static String requiredString(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || !v.isString()) {
            throw new BadRequestException(param + "." + field + ": a string is required", param + "." + field);
        }
        return v.stringValue();
    }

    private static BadRequestException misplaced(String type, String param, String role) {
        return new BadRequestException(
                param + ".type: a \"" + type + "\" block cannot be in " + role + " content", param + ".type");
    }

    // ----------------------------------------------------------------------------------------------------- response

    /**
     * OpenAI chat.completion body -> Anthropic Message body; {@code model} in the output = publicModel; id = "msg_" +
     * upstream id (sanitised).
     *
     * @throws IllegalArgumentException when the upstream body is not a chat completion
     */
    public static Translated response(byte[] chatCompletionBody, String publicModel) {
        JsonNode root;
        try {
            root = chatCompletionBody == null ? null : JSON.readTree(chatCompletionBody);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("upstream response is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("upstream response is not a JSON object");
        }
        JsonNode choices = root.get("choices");
        if (choices == null
                || !choices.isArray()
                || choices.isEmpty()
                || !choices.get(0).isObject()) {
            String err = root.path("error").path("message").asString("");
            throw new IllegalArgumentException(
                    "upstream response is not a chat completion (no choices)" + (err.isEmpty() ? "" : ": " + err));
        }
        JsonNode choice = choices.get(0);
        JsonNode message = choice.get("message");
        if (message == null || !message.isObject()) {
            throw new IllegalArgumentException("upstream response is not a chat completion (no message)");
        }
        String upstreamId = sanitiseId(root.path("id").asString(""));
        String idBase = upstreamId.isEmpty() ? randomId() : upstreamId;

        ObjectNode out = JSON.createObjectNode();
        out.put("id", "msg_" + idBase);
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", publicModel);
        ArrayNode content = out.putArray("content");

        String reasoning = reasoning(message);
        if (reasoning != null && !reasoning.isEmpty()) {
            content.addObject()
                    .put("type", "thinking")
                    .put("thinking", reasoning)
                    .put("signature", "");
        }
        String text = contentText(message.get("content"));
        if (text.isEmpty() && message.path("refusal").isString()) {
            text = message.get("refusal").stringValue();
        }
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        boolean tools = false;
        JsonNode calls = message.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (JsonNode call : calls.values()) {
                if (!call.isObject()) {
                    continue;
                }
                JsonNode fn = call.path("function");
                String id = call.path("id").isString()
                                && !call.get("id").stringValue().isBlank()
                        ? call.get("id").stringValue()
                        : "toolu_" + idBase + "_" + content.size();
                content.add(toolUse(id, fn.path("name").asString(""), fn.get("arguments")));
                tools = true;
            }
        }
        JsonNode legacy = message.get("function_call");
        if (!tools && legacy != null && legacy.isObject()) {
            content.add(toolUse(
                    "toolu_" + idBase + "_" + content.size(),
                    legacy.path("name").asString(""),
                    legacy.get("arguments")));
            tools = true;
        }
        if (content.isEmpty()) {
            content.addObject().put("type", "text").put("text", "");
        }
        JsonNode finish = choice.get("finish_reason");
        out.put("stop_reason", stopReason(finish != null && finish.isString() ? finish.stringValue() : null, tools));
        out.putNull("stop_sequence");
        TokenUsage usage = UsageReader.fromUsage(root.get("usage"));
        out.set("usage", anthropicUsage(usage));
        return new Translated(JSON.writeValueAsBytes(out), usage);
    }

    private static ObjectNode toolUse(String id, String name, JsonNode arguments) {
        ObjectNode block =
                JSON.createObjectNode().put("type", "tool_use").put("id", id).put("name", name);
        block.set("input", toolInput(arguments));
        return block;
    }

    /** Tool-call arguments (JSON text) as an input object: {} when empty, {"_raw": text} when not an object. */
    static ObjectNode toolInput(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return JSON.createObjectNode();
        }
        if (arguments.isObject()) {
            return (ObjectNode) arguments; // some servers send the object itself
        }
        String text = arguments.isString() ? arguments.stringValue() : arguments.toString();
        return toolInput(text);
    }

    static ObjectNode toolInput(String text) {
        if (text == null || text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode parsed = JSON.readTree(text);
            if (parsed != null && parsed.isObject()) {
                return (ObjectNode) parsed;
            }
            if (parsed != null && parsed.isString()) {
                JsonNode inner = JSON.readTree(parsed.stringValue()); // double-encoded arguments
                if (inner != null && inner.isObject()) {
                    return (ObjectNode) inner;
                }
            }
        } catch (JacksonException e) {
            // not JSON: keep the text
        }
        return JSON.createObjectNode().put("_raw", text);
    }

    /** The message's or delta's reasoning text: {@code reasoning_content} (DeepSeek, vLLM), else {@code reasoning}. */
    static String reasoning(JsonNode messageOrDelta) {
        JsonNode r = messageOrDelta.get("reasoning_content");
        if (r != null && r.isString()) {
            return r.stringValue();
        }
        r = messageOrDelta.get("reasoning");
        return r != null && r.isString() ? r.stringValue() : null;
    }

    private static String contentText(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder sb = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content.values()) {
                if (part.path("text").isString()) {
                    sb.append(part.get("text").stringValue());
                }
            }
        }
        return sb.toString();
    }

    /** OpenAI finish_reason → Anthropic stop_reason; tool calls ended by "stop" (some servers) are still tool_use. */
    static String stopReason(String finishReason, boolean toolCalls) {
        if (finishReason == null) {
            return toolCalls ? "tool_use" : "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> toolCalls ? "tool_use" : "end_turn";
        };
    }

    /** Anthropic's usage object: input_tokens exclude the cached tokens that OpenAI's prompt_tokens include. */
    static ObjectNode anthropicUsage(TokenUsage usage) {
        ObjectNode u = JSON.createObjectNode();
        long prompt = usage == null ? 0 : usage.promptTokens();
        long cached = usage == null ? 0 : Math.max(0, Math.min(usage.cacheReadTokens(), prompt));
        u.put("input_tokens", prompt - cached);
        u.put("output_tokens", usage == null ? 0 : usage.completionTokens());
        if (cached > 0) {
            u.put("cache_read_input_tokens", cached);
        }
        return u;
    }

    /** Keeps the characters Anthropic-style ids use ([A-Za-z0-9_-]), bounded. */
    static String sanitiseId(String id) {
        StringBuilder sb = new StringBuilder(Math.min(id.length(), MAX_ID_CHARS));
        for (int i = 0; i < id.length() && sb.length() < MAX_ID_CHARS; i++) {
            char c = id.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String randomId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    // ------------------------------------------------------------------------------------------------------- stream

    /** Streaming translation state for one response. messageId e.g. "msg_..." (given so tests are deterministic). */
    public static AnthropicOverOpenAiStream stream(String publicModel, String messageId) {
        return new AnthropicOverOpenAiStream(publicModel, messageId);
    }

    /**
     * The same, with the request's input tokens as counted locally (e.g. {@code LocalTokenCounter.countMessagesRequest})
     * for {@code message_start}'s {@code usage.input_tokens}: the OpenAI upstream reports usage only at the end, and
     * {@code message_delta} still carries that.
     */
    public static AnthropicOverOpenAiStream stream(String publicModel, String messageId, long estimatedInputTokens) {
        return new AnthropicOverOpenAiStream(publicModel, messageId, estimatedInputTokens);
    }
}
