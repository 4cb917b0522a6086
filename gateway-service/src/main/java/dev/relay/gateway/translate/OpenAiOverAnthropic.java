package dev.relay.gateway.translate;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.wire.BadRequestException;
import dev.relay.gateway.wire.UsageReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI Chat Completions client over an Anthropic Messages upstream channel: the request ({@code
 * /v1/chat/completions} body to a {@code /v1/messages} body), the non-streamed response (a Message to a {@code
 * chat.completion}) and, through {@link #stream}, the streamed response. Pure: bytes in, bytes out.
 *
 * <p>Request decisions worth knowing:
 *
 * <ul>
 *   <li>{@code system}/{@code developer} messages, wherever they are in the conversation, become the top-level {@code
 *       system} string (joined with a blank line).
 *   <li>Anthropic wants strict user/assistant alternation with tool results in the user turn right after the tool
 *       use: {@code tool} messages become {@code tool_result} blocks of a user turn, consecutive same-role turns are
 *       merged (parallel tool results and a following user message end up in one user turn) and, within a user turn,
 *       {@code tool_result} blocks are put before any other block.
 *   <li>Anthropic wants the conversation to start with a user turn: when it would start with an assistant turn, a
 *       placeholder user turn {@code "."} is prepended. A conversation without any user or tool message is refused.
 *   <li>Blank text (whitespace only, which Anthropic refuses) is left out; a turn left with nothing is skipped.
 *   <li>{@code response_format} json_object/json_schema cannot be enforced by Anthropic: it is dropped and the
 *       instruction {@value #JSON_INSTRUCTION} (plus the schema, for json_schema) is appended to the system prompt.
 *   <li>{@code temperature} is clamped to Anthropic's [0, 1]; {@code n > 1}, audio and file inputs are refused
 *       (400); {@code presence_penalty}, {@code frequency_penalty}, {@code logit_bias}, {@code logprobs}, {@code
 *       seed}, {@code stream_options}, {@code reasoning_effort}, {@code store}, {@code metadata} and unknown fields
 *       are dropped and named in {@link DroppedFields} (the response header {@value DroppedFields#HEADER}).
 *   <li>A {@code cache_control} object on a text or image part is carried over to the Anthropic block.
 * </ul>
 */
public final class OpenAiOverAnthropic {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Appended to the system prompt when the client asked for JSON output. */
    public static final String JSON_INSTRUCTION = "Respond with a single JSON object.";

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final Set<String> IMAGE_MEDIA_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private OpenAiOverAnthropic() {}

    // ---------------------------------------------------------------------------------------------------- request

    /**
     * OpenAI chat request body -> Anthropic Messages request body, {@code model} = upstreamModel; {@code max_tokens}
     * defaults to defaultMaxTokens when the client gave neither {@code max_tokens} nor {@code max_completion_tokens}.
     *
     * @throws BadRequestException for invalid client input, or input an Anthropic channel cannot take
     */
    public static byte[] request(byte[] chatBody, String upstreamModel, int defaultMaxTokens) {
        return request(chatBody, upstreamModel, defaultMaxTokens, new DroppedFields());
    }

    /** Chat request fields this translation carries (or degrades visibly); every other one is dropped and named. */
    private static final Set<String> CARRIED = Set.of(
            "model",
            "messages",
            "max_tokens",
            "max_completion_tokens",
            "n",
            "response_format",
            "stop",
            "temperature",
            "top_p",
            "user",
            "stream",
            "stream_options",
            "tools",
            "tool_choice",
            "parallel_tool_calls");

    /**
     * The translation, naming in {@code dropped} every request field the Anthropic channel cannot take.
     *
     * @throws BadRequestException for invalid client input, or input an Anthropic channel cannot take
     */
    public static byte[] request(byte[] chatBody, String upstreamModel, int defaultMaxTokens, DroppedFields dropped) {
        JsonNode root;
        try {
            root = JSON.readTree(chatBody);
        } catch (JacksonException e) {
            throw bad("The request body is not valid JSON.", null);
        }
        if (root == null || !root.isObject()) {
            throw bad("The request body must be a JSON object.", null);
        }
        JsonNode model = present(root, "model");
        if (model == null || !model.isString()) {
            throw bad("'model' must be a string.", "model");
        }
        JsonNode messages = present(root, "messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw bad("'messages' must be a non-empty array.", "messages");
        }
        checkN(root);

        ObjectNode out = JSON.createObjectNode();
        out.put("model", upstreamModel);
        out.put("max_tokens", maxTokens(root, defaultMaxTokens));

        List<String> system = new ArrayList<>();
        List<Turn> turns = new ArrayList<>();
        boolean anyUser = false;
        int i = 0;
        for (JsonNode m : messages.values()) {
            String where = "messages[" + i++ + "]";
            if (!m.isObject()) {
                throw bad(where + " must be an object.", "messages");
            }
            JsonNode roleNode = present(m, "role");
            String role = roleNode != null && roleNode.isString() ? roleNode.stringValue() : null;
            if (role == null || !ROLES.contains(role)) {
                throw bad(where + ".role must be one of system, developer, user, assistant, tool.", "messages");
            }
            switch (role) {
                case "system", "developer" -> {
                    String text = plainText(present(m, "content"), where);
                    if (!text.isBlank()) {
                        system.add(text);
                    }
                }
                case "user" -> {
                    anyUser = true;
                    add(turns, "user", userBlocks(present(m, "content"), where));
                }
                case "assistant" -> add(turns, "assistant", assistantBlocks(m, where));
                case "tool" -> {
                    anyUser = true;
                    add(turns, "user", List.of(toolResult(m, where)));
                }
                default -> throw new IllegalStateException(role);
            }
        }
        if (!anyUser) {
            throw bad("'messages' must contain at least one user message.", "messages");
        }

        String jsonInstruction = jsonInstruction(present(root, "response_format"));
        if (jsonInstruction != null) {
            system.add(jsonInstruction);
        }
        if (!system.isEmpty()) {
            out.put("system", String.join("\n\n", system));
        }

        ArrayNode outMessages = out.putArray("messages");
        if (turns.isEmpty() || !turns.getFirst().role.equals("user")) {
            // Anthropic refuses a conversation that does not start with a user turn
            ObjectNode placeholder = outMessages.addObject();
            placeholder.put("role", "user");
            placeholder.put("content", ".");
        }
        for (Turn t : turns) {
            ObjectNode msg = outMessages.addObject();
            msg.put("role", t.role);
            ArrayNode content = msg.putArray("content");
            if (t.role.equals("user")) {
                // tool results must come first in the user turn that follows the tool use
                t.blocks.stream().filter(OpenAiOverAnthropic::isToolResult).forEach(content::add);
                t.blocks.stream().filter(b -> !isToolResult(b)).forEach(content::add);
            } else {
                t.blocks.forEach(content::add);
            }
        }

        JsonNode stop = present(root, "stop");
        if (stop != null) {
            ArrayNode seqs = JSON.createArrayNode();
            if (stop.isString()) {
                if (!stop.stringValue().isEmpty()) {
                    seqs.add(stop.stringValue());
                }
            } else if (stop.isArray()) {
                for (JsonNode s : stop.values()) {
                    if (!s.isString()) {
                        throw bad("'stop' must be a string or an array of strings.", "stop");
                    }
                    if (!s.stringValue().isEmpty()) {
                        seqs.add(s.stringValue());
                    }
                }
            } else {
                throw bad("'stop' must be a string or an array of strings.", "stop");
            }
            if (!seqs.isEmpty()) {
                out.set("stop_sequences", seqs);
            }
        }
        JsonNode temperature = present(root, "temperature");
        if (temperature != null) {
            if (!temperature.isNumber()) {
                throw bad("'temperature' must be a number.", "temperature");
            }
            double t = temperature.doubleValue();
            if (t < 0 || t > 1) {
                out.put("temperature", Math.clamp(t, 0.0, 1.0));
            } else {
                out.set("temperature", temperature);
            }
        }
        JsonNode topP = present(root, "top_p");
        if (topP != null) {
            if (!topP.isNumber()) {
                throw bad("'top_p' must be a number.", "top_p");
            }
            out.set("top_p", topP);
        }
        JsonNode user = present(root, "user");
        if (user != null) {
            if (!user.isString()) {
                throw bad("'user' must be a string.", "user");
            }
            out.putObject("metadata").put("user_id", user.stringValue());
        }
        JsonNode stream = present(root, "stream");
        if (stream != null) {
            if (!stream.isBoolean()) {
                throw bad("'stream' must be a boolean.", "stream");
            }
            out.put("stream", stream.booleanValue());
        }
        tools(root, out);
        for (String field : root.propertyNames()) {
            if (!CARRIED.contains(field) && !root.get(field).isNull()) {
                dropped.add(field);
            }
        }
        return JSON.writeValueAsBytes(out);
    }

    private record Turn(String role, List<JsonNode> blocks) {}

    private static void add(List<Turn> turns, String role, List<JsonNode> blocks) {
        if (blocks.isEmpty()) {
            return; // nothing to say: skipped, so its neighbours may merge
        }
        if (!turns.isEmpty() && turns.getLast().role.equals(role)) {
            turns.getLast().blocks.addAll(blocks);
        } else {
            turns.add(new Turn(role, new ArrayList<>(blocks)));
        }
    }

    private static boolean isToolResult(JsonNode block) {
        return "tool_result".equals(block.path("type").asString(""));
    }

    private static void checkN(JsonNode root) {
        JsonNode n = present(root, "n");
        if (n == null) {
            return;
        }
        if (!n.isIntegralNumber() || n.longValue() < 1) {
            throw bad("'n' must be a positive integer.", "n");
        }
        if (n.longValue() > 1) {
            throw bad("'n' greater than 1 is not supported for this model.", "n");
        }
    }

    private static long maxTokens(JsonNode root, int defaultMaxTokens) {
        for (String name : List.of("max_completion_tokens", "max_tokens")) {
            JsonNode v = present(root, name);
            if (v != null) {
                if (!v.isIntegralNumber() || v.longValue() < 1) {
                    throw bad("'" + name + "' must be a positive integer.", name);
                }
                return v.longValue();
            }
        }
        return defaultMaxTokens;
    }

    /** The text of a system/developer/tool content: a string or an array of text parts (joined by newlines). */
    private static String plainText(JsonNode content, String where) {
        if (content == null) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (!content.isArray()) {
            throw bad(where + ".content must be a string or an array of content parts.", "messages");
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : content.values()) {
            if (!"text".equals(part.path("type").asString(""))
                    || !part.path("text").isString()) {
                throw bad(where + ".content may only contain text parts.", "messages");
            }
            parts.add(part.path("text").stringValue());
        }
        return String.join("\n", parts);
    }

    private static List<JsonNode> userBlocks(JsonNode content, String where) {
        List<JsonNode> blocks = new ArrayList<>();
        if (content == null) {
            return blocks;
        }
        if (content.isString()) {
            addText(blocks, content.stringValue(), null);
            return blocks;
        }
        if (!content.isArray()) {
            throw bad(where + ".content must be a string or an array of content parts.", "messages");
        }
        int j = 0;
        for (JsonNode part : content.values()) {
            String at = where + ".content[" + j++ + "]";
            String type = part.path("type").asString("");
            switch (type) {
                case "text" -> {
                    if (!part.path("text").isString()) {
                        throw bad(at + ".text must be a string.", "messages");
                    }
                    addText(blocks, part.path("text").stringValue(), part.get("cache_control"));
                }
                case "image_url" -> blocks.add(image(part, at));
                case "input_audio" -> throw bad(at + ": audio input is not supported for this model.", "messages");
                case "file" -> throw bad(at + ": file input is not supported for this model.", "messages");
                default -> throw bad(at + ".type '" + type + "' is not a supported content part type.", "messages");
            }
        }
        return blocks;
    }

    private static void addText(List<JsonNode> blocks, String text, JsonNode cacheControl) {
        if (text.isBlank()) {
            return; // Anthropic refuses empty and whitespace-only text blocks
        }
        ObjectNode b = JSON.createObjectNode();
        b.put("type", "text");
        b.put("text", text);
        copyCacheControl(cacheControl, b);
        blocks.add(b);
    }

    private static void copyCacheControl(JsonNode cacheControl, ObjectNode block) {
        if (cacheControl != null && cacheControl.isObject()) {
            block.set("cache_control", cacheControl);
        }
    }

    private static JsonNode image(JsonNode part, String at) {
        JsonNode imageUrl = part.path("image_url");
        JsonNode urlNode = imageUrl.isString() ? imageUrl : imageUrl.path("url");
        if (!urlNode.isString() || urlNode.stringValue().isEmpty()) {
            throw bad(at + ".image_url.url must be a string.", "messages");
        }
        String url = urlNode.stringValue();
        ObjectNode b = JSON.createObjectNode();
        b.put("type", "image");
        ObjectNode source = b.putObject("source");
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = url.indexOf(',');
            String header = comma < 0 ? "" : url.substring(5, comma);
            int semi = header.indexOf(';');
            String mediaType =
                    (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
            if (comma < 0 || !header.toLowerCase(Locale.ROOT).endsWith(";base64")) {
                throw bad(
                        at + ": an image data URL must be base64-encoded (data:<media type>;base64,<data>).",
                        "messages");
            }
            if (!IMAGE_MEDIA_TYPES.contains(mediaType)) {
                throw bad(
                        at + ": image type '" + mediaType + "' is not supported (use jpeg, png, gif or webp).",
                        "messages");
            }
            source.put("type", "base64");
            source.put("media_type", mediaType);
            source.put("data", url.substring(comma + 1));
        } else if (url.regionMatches(true, 0, "https://", 0, 8) || url.regionMatches(true, 0, "http://", 0, 7)) {
            source.put("type", "url");
            source.put("url", url);
        } else {
            throw bad(at + ".image_url.url must be an http(s) URL or a base64 data URL.", "messages");
        }
        copyCacheControl(part.get("cache_control"), b);
        return b;
    }

    private static List<JsonNode> assistantBlocks(JsonNode m, String where) {
        List<JsonNode> blocks = new ArrayList<>();
        JsonNode content = present(m, "content");
        if (content != null) {
            if (content.isString()) {
                addText(blocks, content.stringValue(), null);
            } else if (content.isArray()) {
                int j = 0;
                for (JsonNode part : content.values()) {
                    String at = where + ".content[" + j++ + "]";
                    String type = part.path("type").asString("");
                    String field = type.equals("refusal") ? "refusal" : "text";
                    if (!(type.equals("text") || type.equals("refusal"))
                            || !part.path(field).isString()) {
                        throw bad(at + ": assistant content may only contain text or refusal parts.", "messages");
                    }
                    addText(blocks, part.path(field).stringValue(), part.get("cache_control"));
                }
            } else {
                throw bad(where + ".content must be a string or an array of content parts.", "messages");
            }
        }
        // reasoning_content (thinking replayed by the client) is dropped: Anthropic needs its signature to accept it
        JsonNode toolCalls = present(m, "tool_calls");
        if (toolCalls != null) {
            if (!toolCalls.isArray()) {
                throw bad(where + ".tool_calls must be an array.", "messages");
            }
            int j = 0;
            for (JsonNode call : toolCalls.values()) {
                blocks.add(toolUse(call, where + ".tool_calls[" + j++ + "]"));
            }
        }
        return blocks;
    }

    private static JsonNode toolUse(JsonNode call, String at) {
        JsonNode type = present(call, "type");
        if (type != null && !"function".equals(type.asString(""))) {
            throw bad(at + ".type must be 'function'.", "messages");
        }
        JsonNode id = present(call, "id");
        if (id == null || !id.isString() || id.stringValue().isEmpty()) {
            throw bad(at + ".id must be a non-empty string.", "messages");
        }
        JsonNode fn = call.path("function");
        JsonNode name = fn.path("name");
        if (!name.isString() || name.stringValue().isEmpty()) {
            throw bad(at + ".function.name must be a non-empty string.", "messages");
        }
        JsonNode input;
        JsonNode args = present(fn, "arguments");
        if (args == null || (args.isString() && args.stringValue().isBlank())) {
            input = JSON.createObjectNode();
        } else if (args.isObject()) {
            input = args;
        } else if (args.isString()) {
            try {
                input = JSON.readTree(args.stringValue());
            } catch (JacksonException e) {
                input = null;
            }
            if (input == null || !input.isObject()) {
                throw bad(at + ".function.arguments must be a JSON object.", "messages");
            }
        } else {
            throw bad(at + ".function.arguments must be a JSON object.", "messages");
        }
        ObjectNode b = JSON.createObjectNode();
        b.put("type", "tool_use");
        b.put("id", id.stringValue());
        b.put("name", name.stringValue());
        b.set("input", input);
        return b;
    }

    private static JsonNode toolResult(JsonNode m, String where) {
        JsonNode id = present(m, "tool_call_id");
        if (id == null || !id.isString() || id.stringValue().isEmpty()) {
            throw bad(where + ".tool_call_id must be a non-empty string.", "messages");
        }
        ObjectNode b = JSON.createObjectNode();
        b.put("type", "tool_result");
        b.put("tool_use_id", id.stringValue());
        b.put("content", plainText(present(m, "content"), where));
        return b;
    }

    private static String jsonInstruction(JsonNode format) {
        if (format == null) {
            return null;
        }
        String type = format.path("type").asString("");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> JSON_INSTRUCTION;
            case "json_schema" -> {
                JsonNode schema = format.path("json_schema").path("schema");
                yield schema.isObject()
                        ? JSON_INSTRUCTION + " It must conform to this JSON schema: " + JSON.writeValueAsString(schema)
                        : JSON_INSTRUCTION;
            }
            default -> throw bad("'response_format.type' must be text, json_object or json_schema.", "response_format");
        };
    }

    private static void tools(JsonNode root, ObjectNode out) {
        JsonNode tools = present(root, "tools");
        if (tools == null) {
            return;
        }
        if (!tools.isArray()) {
            throw bad("'tools' must be an array.", "tools");
        }
        ArrayNode outTools = JSON.createArrayNode();
        int i = 0;
        for (JsonNode tool : tools.values()) {
            String at = "tools[" + i++ + "]";
            if (!"function".equals(tool.path("type").asString(""))) {
                throw bad(at + ": only function tools are supported for this model.", "tools");
            }
            JsonNode fn = tool.path("function");
            JsonNode name = fn.path("name");
            if (!name.isString() || name.stringValue().isEmpty()) {
                throw bad(at + ".function.name must be a non-empty string.", "tools");
            }
            ObjectNode t = outTools.addObject();
            t.put("name", name.stringValue());
            JsonNode description = present(fn, "description");
            if (description != null && description.isString()) {
                t.put("description", description.stringValue());
            }
            JsonNode parameters = present(fn, "parameters");
            if (parameters != null && !parameters.isObject()) {
                throw bad(at + ".function.parameters must be a JSON Schema object.", "tools");
            }
            if (parameters == null) {
                ObjectNode schema = t.putObject("input_schema");
                schema.put("type", "object");
                schema.putObject("properties");
            } else {
                t.set("input_schema", parameters);
            }
        }
        if (outTools.isEmpty()) {
            return;
        }
        out.set("tools", outTools);

        ObjectNode choice = null;
        JsonNode tc = present(root, "tool_choice");
        if (tc != null) {
            choice = JSON.createObjectNode();
            if (tc.isString()) {
                switch (tc.stringValue()) {
                    case "auto" -> choice.put("type", "auto");
                    case "none" -> choice.put("type", "none");
                    case "required" -> choice.put("type", "any");
                    default -> throw bad("'tool_choice' must be auto, none, required or a function.", "tool_choice");
                }
            } else if (tc.isObject() && "function".equals(tc.path("type").asString(""))) {
                JsonNode name = tc.path("function").path("name");
                if (!name.isString() || name.stringValue().isEmpty()) {
                    throw bad("'tool_choice.function.name' must be a non-empty string.", "tool_choice");
                }
                choice.put("type", "tool");
                choice.put("name", name.stringValue());
            } else {
                throw bad("'tool_choice' must be auto, none, required or a function.", "tool_choice");
            }
        }
        JsonNode parallel = present(root, "parallel_tool_calls");
        if (parallel != null && !parallel.isBoolean()) {
            throw bad("'parallel_tool_calls' must be a boolean.", "parallel_tool_calls");
        }
        if (parallel != null && !parallel.booleanValue()) {
            if (choice == null) {
                choice = JSON.createObjectNode();
                choice.put("type", "auto");
            }
            if (!"none".equals(choice.path("type").asString(""))) { // tool_choice none takes no such option
                choice.put("disable_parallel_tool_use", true);
            }
        }
        if (choice != null) {
            out.set("tool_choice", choice);
        }
    }

    // --------------------------------------------------------------------------------------------------- response

    /**
     * Anthropic Message body -> OpenAI {@code chat.completion} body; {@code model} = publicModel, {@code created} =
     * the given epoch seconds, id = {@code "chatcmpl-" + message id}. The usage is the upstream's, in Anthropic's
     * figures ({@code input_tokens} excluding cache tokens), or null when it reported none.
     *
     * @throws IllegalArgumentException when the body is not an Anthropic Message
     */
    public static Translated response(byte[] messageBody, String publicModel, long created) {
        JsonNode root;
        try {
            root = JSON.readTree(messageBody);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("upstream response is not JSON", e);
        }
        if (root == null || !root.isObject() || !root.path("content").isArray()) {
            throw new IllegalArgumentException("upstream response is not an Anthropic Message");
        }
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        boolean anyText = false;
        boolean anyReasoning = false;
        ArrayNode toolCalls = JSON.createArrayNode();
        for (JsonNode block : root.path("content").values()) {
            switch (block.path("type").asString("")) {
                case "text" -> {
                    text.append(block.path("text").asString(""));
                    anyText = true;
                }
                case "thinking" -> {
                    reasoning.append(block.path("thinking").asString(""));
                    anyReasoning = true;
                }
                case "tool_use" -> {
                    ObjectNode call = toolCalls.addObject();
                    call.put("id", block.path("id").asString(""));
                    call.put("type", "function");
                    ObjectNode fn = call.putObject("function");
                    fn.put("name", block.path("name").asString(""));
                    JsonNode input = block.get("input");
                    fn.put("arguments", input == null || input.isNull() ? "{}" : JSON.writeValueAsString(input));
                }
                default -> {} // redacted_thinking, server tool blocks: nothing an OpenAI client can use
            }
        }

        ObjectNode out = JSON.createObjectNode();
        out.put("id", "chatcmpl-" + root.path("id").asString(""));
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", publicModel);
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (anyText) {
            message.put("content", text.toString());
        } else {
            message.putNull("content");
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        if (anyReasoning) {
            message.put("reasoning_content", reasoning.toString());
        }
        JsonNode stopReason = root.path("stop_reason");
        choice.put("finish_reason", finishReason(stopReason.isString() ? stopReason.stringValue() : null));

        TokenUsage usage = null;
        JsonNode u = root.get("usage");
        if (u != null && u.isObject()) {
            usage = UsageReader.fromUsage(u);
            out.set("usage", usageJson(usage));
        }
        return new Translated(JSON.writeValueAsBytes(out), usage);
    }

    /**
     * Anthropic {@code stop_reason} -> OpenAI {@code finish_reason}: end_turn, stop_sequence, pause_turn and null ->
     * stop; max_tokens -> length; tool_use -> tool_calls; refusal -> content_filter.
     */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * OpenAI's usage object from Anthropic's figures: OpenAI's prompt_tokens include cached tokens, Anthropic's
     * input_tokens exclude both cache reads and cache writes.
     */
    static ObjectNode usageJson(TokenUsage anthropic) {
        long prompt = anthropic.promptTokens() + anthropic.cacheReadTokens() + anthropic.cacheWriteTokens();
        ObjectNode u = JSON.createObjectNode();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", anthropic.completionTokens());
        u.put("total_tokens", prompt + anthropic.completionTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", anthropic.cacheReadTokens());
        return u;
    }

    static long count(JsonNode n) {
        return n != null && n.isIntegralNumber() ? n.longValue() : 0;
    }

    // ----------------------------------------------------------------------------------------------------- stream

    /** Streaming state for one response; includeUsage = the client asked for {@code stream_options.include_usage}. */
    public static OpenAiOverAnthropicStream stream(String publicModel, long created, boolean includeUsage) {
        return new OpenAiOverAnthropicStream(publicModel, created, includeUsage);
    }

    // ----------------------------------------------------------------------------------------------------- shared

    /** A field's value, or null when absent or JSON null (null means absent, as in OpenAI's API). */
    private static JsonNode present(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private static BadRequestException bad(String message, String param) {
        return new BadRequestException(message, param);
    }
}
