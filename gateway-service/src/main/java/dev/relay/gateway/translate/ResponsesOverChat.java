package dev.relay.gateway.translate;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.wire.BadRequestException;
import dev.relay.gateway.wire.UsageReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAI Responses API ({@code POST /v1/responses}, what Codex CLI speaks) over a channel that has only Chat
 * Completions — and, composed with {@link OpenAiOverAnthropic}, over an Anthropic Messages channel. Chat Completions
 * is the pivot: a Responses request becomes a chat request, the chat answer (or stream, {@link
 * ResponsesOverChatStream}) becomes a Responses object.
 *
 * <p>Request decisions worth knowing (the drop-don't-refuse policy: what cannot be carried is left out and named in
 * {@value DroppedFields#HEADER}):
 *
 * <ul>
 *   <li>{@code instructions} and {@code system}/{@code developer} messages become system messages (merged into one
 *       leading message for a {@link UpstreamDialect.SystemMessages#LEADING} upstream).
 *   <li>{@code function_call} items become the assistant's {@code tool_calls} (consecutive calls, and a message
 *       right before them, form one assistant turn); {@code function_call_output} items become {@code tool}
 *       messages. {@code reasoning} items are carried back as {@code reasoning_content} only to upstreams that want it
 *       ({@link UpstreamDialect.Reasoning#THINKING_TYPE}); encrypted reasoning is OpenAI's alone and never sent.
 *   <li>Function tools are carried; a {@code namespace} tool's nested function tools are flattened into function
 *       tools named {@code <namespace>__<name>} and the calls mapped back ({@code name} + {@code namespace}); a
 *       {@code custom} (free-form) tool becomes a function taking one string {@code input}, and its calls come back
 *       as {@code custom_tool_call} items. Built-in tools ({@code web_search}, {@code file_search}, …) cannot run on
 *       a chat upstream: dropped and named ({@code tools[].web_search}).
 *   <li>{@code max_output_tokens} → {@code max_tokens}; {@code reasoning.effort} → the channel's reasoning control
 *       ({@link ReasoningControls}); {@code text.format} json_schema/json_object → {@code response_format}.
 *   <li>Accepted and ignored, since they change nothing a chat upstream could do: {@code store}, {@code include}
 *       (encrypted reasoning cannot be produced), {@code prompt_cache_key}, {@code client_metadata}, {@code
 *       metadata}, {@code reasoning.summary}, {@code service_tier}, {@code truncation}, {@code safety_identifier}.
 *   <li>{@code previous_response_id} and {@code conversation} need responses stored by the server; the edge keeps
 *       none, so they are refused (400 naming the field) rather than silently answering without the history.
 * </ul>
 */
public final class ResponsesOverChat {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Joins a namespace and a nested tool's name into one function name. */
    static final String NAMESPACE_SEPARATOR = "__";

    private static final Set<String> IGNORED = Set.of(
            "store",
            "include",
            "prompt_cache_key",
            "client_metadata",
            "metadata",
            "service_tier",
            "truncation",
            "safety_identifier",
            "stream_options",
            "prompt_cache_retention",
            "background");
    private static final Set<String> HANDLED = Set.of(
            "model",
            "input",
            "instructions",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "max_output_tokens",
            "temperature",
            "top_p",
            "user",
            "stream",
            "reasoning",
            "text",
            "previous_response_id",
            "conversation");

    private ResponsesOverChat() {}

    /**
     * What the request turned into, and what the answer's translation needs from it.
     *
     * @param chat the chat request (tree, so a caller may adapt it further)
     * @param tools how chat function names map back to the client's tools
     * @param echo the request's settings a Responses object repeats ({@code instructions}, {@code tools}, …)
     * @param effort the reasoning effort the client asked for ({@code low|medium|high}), or null
     */
    public record Prepared(ObjectNode chat, ToolNames tools, ObjectNode echo, String effort) {
        public byte[] chatBody() {
            return JSON.writeValueAsBytes(chat);
        }
    }

    /** Function names on the chat side that are not the client's own names. */
    public static final class ToolNames {
        final Map<String, String[]> namespaced = new HashMap<>();
        final Set<String> custom = new HashSet<>();

        /** The client's {@code [namespace, name]} for a chat function name (namespace null when it had none). */
        String[] client(String chatName) {
            String[] ns = namespaced.get(chatName);
            return ns != null ? ns : new String[] {null, chatName};
        }

        boolean isCustom(String chatName) {
            return custom.contains(chatName);
        }

        /** The chat function name for a call the client sent back. */
        String chat(String namespace, String name) {
            return namespace == null || namespace.isEmpty() ? name : flatten(namespace, name);
        }
    }

    // ---------------------------------------------------------------------------------------------------- request

    /**
     * A Responses request → a chat request for {@code upstreamModel}, shaped for the channel's dialect.
     *
     * @throws BadRequestException for invalid client input (answered 400, never sent upstream)
     */
    public static Prepared request(
            byte[] responsesBody, String upstreamModel, UpstreamDialect dialect, DroppedFields dropped) {
        JsonNode root;
        try {
            root = JSON.readTree(responsesBody);
        } catch (JacksonException e) {
            throw bad("The request body is not valid JSON.", null);
        }
        if (root == null || !root.isObject()) {
            throw bad("The request body must be a JSON object.", null);
        }
        for (String stateful : List.of("previous_response_id", "conversation")) {
            JsonNode v = present(root, stateful);
            if (v != null) {
                throw bad(
                        "'" + stateful + "' is not supported: this relay stores no responses, so it cannot continue"
                                + " one; send the whole conversation in 'input' (as Codex does with store: false).",
                        stateful);
            }
        }
        for (String field : root.propertyNames()) {
            if (!HANDLED.contains(field)
                    && !IGNORED.contains(field)
                    && !root.get(field).isNull()) {
                dropped.add(field);
            }
        }
        ToolNames names = new ToolNames();
        ObjectNode chat = JSON.createObjectNode();
        chat.put("model", upstreamModel);
        ArrayNode messages = chat.putArray("messages");
        JsonNode instructions = present(root, "instructions");
        if (instructions != null) {
            if (!instructions.isString()) {
                throw bad("'instructions' must be a string.", "instructions");
            }
            if (!instructions.stringValue().isBlank()) {
                messages.addObject().put("role", "system").put("content", instructions.stringValue());
            }
        }
        JsonNode input = present(root, "input");
        if (input == null) {
            throw bad("'input' is required: a string or an array of input items.", "input");
        }
        if (input.isString()) {
            messages.addObject().put("role", "user").put("content", input.stringValue());
        } else if (input.isArray()) {
            new Items(messages, names, dialect, dropped).addAll(input);
        } else {
            throw bad("'input' must be a string or an array of input items.", "input");
        }
        if (dialect.systemMessages() == UpstreamDialect.SystemMessages.LEADING) {
            leadingSystem(messages);
        }
        boolean anyTool = tools(root, chat, names, dropped);
        if (anyTool) {
            toolChoice(root, chat, names, dropped);
            JsonNode parallel = present(root, "parallel_tool_calls");
            if (parallel != null && parallel.isBoolean()) {
                chat.put("parallel_tool_calls", parallel.booleanValue());
            }
        }
        JsonNode max = present(root, "max_output_tokens");
        if (max != null) {
            if (!max.isIntegralNumber() || max.longValue() < 1) {
                throw bad("'max_output_tokens' must be a positive integer.", "max_output_tokens");
            }
            chat.put("max_tokens", max.longValue());
        }
        for (String f : List.of("temperature", "top_p")) {
            JsonNode v = present(root, f);
            if (v != null) {
                if (!v.isNumber()) {
                    throw bad("'" + f + "' must be a number.", f);
                }
                chat.set(f, v);
            }
        }
        JsonNode user = present(root, "user");
        if (user != null && user.isString()) {
            chat.put("user", user.stringValue());
        }
        JsonNode stream = present(root, "stream");
        if (stream != null && stream.isBoolean() && stream.booleanValue()) {
            chat.put("stream", true);
            chat.putObject("stream_options").put("include_usage", true);
        }
        String effort = reasoning(root, chat, dialect.reasoning(), dropped);
        textFormat(root, chat, dropped);
        return new Prepared(chat, names, echo(root), effort);
    }

    /** The conversation's items, in order, as chat messages. */
    private static final class Items {
        final ArrayNode messages;
        final ToolNames names;
        final UpstreamDialect dialect;
        final DroppedFields dropped;
        /** Reasoning text of {@code reasoning} items, for the assistant turn that follows them. */
        final StringBuilder reasoning = new StringBuilder();
        /** The assistant message the next function call joins (null once anything else came after it). */
        ObjectNode openAssistant;

        Items(ArrayNode messages, ToolNames names, UpstreamDialect dialect, DroppedFields dropped) {
            this.messages = messages;
            this.names = names;
            this.dialect = dialect;
            this.dropped = dropped;
        }

        void addAll(JsonNode items) {
            int i = 0;
            for (JsonNode item : items.values()) {
                String where = "input[" + i++ + "]";
                if (!item.isObject()) {
                    throw bad(where + " must be an object.", "input");
                }
                String type = item.path("type").asString("");
                if (type.isEmpty() && item.has("role")) {
                    type = "message"; // the "easy" input message: {role, content}
                }
                switch (type) {
                    case "message" -> message(item, where);
                    case "function_call" ->
                        call(
                                item,
                                where,
                                names.chat(textOrNull(item.get("namespace")), required(item, "name", where)),
                                argumentsOf(item.get("arguments"), where));
                    case "custom_tool_call" -> {
                        ObjectNode args = JSON.createObjectNode();
                        args.put("input", item.path("input").asString(""));
                        call(item, where, required(item, "name", where), JSON.writeValueAsString(args));
                    }
                    case "function_call_output", "custom_tool_call_output" -> output(item, where);
                    case "reasoning" -> reasoningItem(item);
                    case "item_reference" -> dropped.add("input[].item_reference");
                    default -> dropped.add("input[]." + type);
                }
            }
        }

        private void message(JsonNode item, String where) {
            String role = item.path("role").asString("");
            JsonNode content = present(item, "content");
            switch (role) {
                case "system", "developer" -> {
                    String text = text(content, where, "input_text");
                    if (!text.isBlank()) {
                        messages.addObject().put("role", "system").put("content", text);
                    }
                    openAssistant = null;
                }
                case "user" -> {
                    ObjectNode m = messages.addObject().put("role", "user");
                    userContent(m, content, where);
                    openAssistant = null;
                }
                case "assistant" -> {
                    String text = text(content, where, "output_text");
                    ObjectNode m = messages.addObject().put("role", "assistant");
                    if (text.isEmpty()) {
                        m.putNull("content");
                    } else {
                        m.put("content", text);
                    }
                    carryReasoning(m);
                    openAssistant = m;
                }
                default -> throw bad(where + ".role must be one of user, assistant, system, developer.", "input");
            }
        }

        private void call(JsonNode item, String where, String chatName, String arguments) {
            String callId = required(item, "call_id", where);
            ObjectNode assistant = openAssistant;
            if (assistant == null) {
                assistant = messages.addObject().put("role", "assistant");
                assistant.putNull("content");
                carryReasoning(assistant);
                openAssistant = assistant;
            }
            ArrayNode calls = assistant.has("tool_calls")
                    ? (ArrayNode) assistant.get("tool_calls")
                    : assistant.putArray("tool_calls");
            ObjectNode c = calls.addObject().put("id", callId).put("type", "function");
            c.putObject("function").put("name", chatName).put("arguments", arguments);
        }

        private void output(JsonNode item, String where) {
            String callId = required(item, "call_id", where);
            JsonNode out = item.get("output");
            String text;
            if (out == null || out.isNull()) {
                text = "";
            } else if (out.isString()) {
                text = out.stringValue();
            } else if (out.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : out.values()) {
                    String t = part.path("type").asString("");
                    if (part.path("text").isString()) {
                        sb.append(part.get("text").stringValue());
                    } else {
                        dropped.add("input[].output." + t);
                    }
                }
                text = sb.toString();
            } else {
                text = JSON.writeValueAsString(out);
            }
            messages.addObject().put("role", "tool").put("tool_call_id", callId).put("content", text);
            openAssistant = null;
        }

        private void reasoningItem(JsonNode item) {
            for (String list : List.of("content", "summary")) {
                for (JsonNode part : item.path(list).values()) {
                    if (part.path("text").isString()) {
                        reasoning.append(part.get("text").stringValue());
                    }
                }
                if (!reasoning.isEmpty()) {
                    return; // the full reasoning text when present, else its summary
                }
            }
        }

        private void carryReasoning(ObjectNode assistant) {
            if (!reasoning.isEmpty() && dialect.reasoning() == UpstreamDialect.Reasoning.THINKING_TYPE) {
                assistant.put("reasoning_content", reasoning.toString());
            }
            reasoning.setLength(0);
        }

        private void userContent(ObjectNode m, JsonNode content, String where) {
            if (content == null || content.isString()) {
                m.put("content", content == null ? "" : content.stringValue());
                return;
            }
            if (!content.isArray()) {
                throw bad(where + ".content must be a string or an array of content parts.", "input");
            }
            boolean images = false;
            for (JsonNode part : content.values()) {
                images |= "input_image".equals(part.path("type").asString(""));
            }
            if (!images) {
                m.put("content", text(content, where, "input_text"));
                return;
            }
            ArrayNode parts = m.putArray("content");
            for (JsonNode part : content.values()) {
                String t = part.path("type").asString("");
                switch (t) {
                    case "input_text", "output_text", "text" ->
                        parts.addObject()
                                .put("type", "text")
                                .put("text", part.path("text").asString(""));
                    case "input_image" -> {
                        JsonNode url = part.get("image_url");
                        if (url == null || !url.isString()) {
                            dropped.add("input[].content.input_image.file_id");
                            continue;
                        }
                        ObjectNode image = parts.addObject().put("type", "image_url");
                        ObjectNode u = image.putObject("image_url").put("url", url.stringValue());
                        String detail = part.path("detail").asString("");
                        if (detail.equals("low") || detail.equals("high")) {
                            u.put("detail", detail);
                        }
                    }
                    default -> dropped.add("input[].content." + t);
                }
            }
        }

        /** The text of a content string or of its text parts, joined by a blank line; other parts dropped. */
        private String text(JsonNode content, String where, String textType) {
            if (content == null || content.isNull()) {
                return "";
            }
            if (content.isString()) {
                return content.stringValue();
            }
            if (!content.isArray()) {
                throw bad(where + ".content must be a string or an array of content parts.", "input");
            }
            List<String> texts = new ArrayList<>();
            for (JsonNode part : content.values()) {
                String t = part.path("type").asString("");
                if (part.path("text").isString()
                        && (t.equals(textType)
                                || t.equals("input_text")
                                || t.equals("output_text")
                                || t.equals("text"))) {
                    texts.add(part.get("text").stringValue());
                } else if (t.equals("refusal") && part.path("refusal").isString()) {
                    texts.add(part.get("refusal").stringValue());
                } else {
                    dropped.add("input[].content." + t);
                }
            }
            return String.join("\n\n", texts);
        }
    }

    private static String argumentsOf(JsonNode arguments, String where) {
        if (arguments == null || arguments.isNull()) {
            return "{}";
        }
        if (arguments.isString()) {
            return arguments.stringValue();
        }
        if (arguments.isObject()) {
            return JSON.writeValueAsString(arguments);
        }
        throw bad(where + ".arguments must be a JSON string.", "input");
    }

    /** Merges every system message into one leading system message, in order. */
    private static void leadingSystem(ArrayNode messages) {
        List<String> system = new ArrayList<>();
        List<JsonNode> rest = new ArrayList<>();
        for (JsonNode m : messages.values()) {
            if ("system".equals(m.path("role").asString(""))) {
                system.add(m.path("content").asString(""));
            } else {
                rest.add(m);
            }
        }
        if (system.size() <= 1
                && (system.isEmpty()
                        || "system".equals(messages.get(0).path("role").asString("")))) {
            return;
        }
        messages.removeAll();
        messages.addObject().put("role", "system").put("content", String.join("\n\n", system));
        rest.forEach(messages::add);
    }

    /** Writes the chat tools; returns whether any is left. */
    private static boolean tools(JsonNode root, ObjectNode chat, ToolNames names, DroppedFields dropped) {
        JsonNode tools = present(root, "tools");
        if (tools == null) {
            return false;
        }
        if (!tools.isArray()) {
            throw bad("'tools' must be an array.", "tools");
        }
        ArrayNode out = JSON.createArrayNode();
        int i = 0;
        for (JsonNode t : tools.values()) {
            String where = "tools[" + i++ + "]";
            String type = t.path("type").asString("");
            switch (type) {
                case "function" -> function(out, t, required(t, "name", where), where);
                case "namespace" -> {
                    String ns = required(t, "name", where);
                    for (JsonNode inner : t.path("tools").values()) {
                        if (!"function".equals(inner.path("type").asString(""))) {
                            dropped.add("tools[].namespace.tools[]."
                                    + inner.path("type").asString(""));
                            continue;
                        }
                        String name = required(inner, "name", where + ".tools[]");
                        String flat = flatten(ns, name);
                        names.namespaced.put(flat, new String[] {ns, name});
                        function(out, inner, flat, where);
                    }
                }
                case "custom" -> {
                    String name = required(t, "name", where);
                    names.custom.add(name);
                    ObjectNode f = out.addObject().put("type", "function").putObject("function");
                    f.put("name", name);
                    String description = t.path("description").asString("");
                    f.put(
                            "description",
                            (description.isEmpty() ? "" : description + "\n\n")
                                    + "Pass the tool's whole free-form input as the string 'input'.");
                    ObjectNode params = f.putObject("parameters").put("type", "object");
                    params.putObject("properties")
                            .putObject("input")
                            .put("type", "string")
                            .put("description", "the raw input");
                    params.putArray("required").add("input");
                }
                default -> dropped.add("tools[]." + (type.isEmpty() ? "untyped" : type));
            }
        }
        if (out.isEmpty()) {
            return false;
        }
        chat.set("tools", out);
        return true;
    }

    private static void function(ArrayNode out, JsonNode t, String name, String where) {
        ObjectNode f = out.addObject().put("type", "function").putObject("function");
        f.put("name", name);
        if (t.path("description").isString()) {
            f.put("description", t.get("description").stringValue());
        }
        JsonNode params = t.get("parameters");
        if (params != null && params.isObject()) {
            f.set("parameters", params);
        } else if (params != null && !params.isNull()) {
            throw bad(where + ".parameters must be a JSON schema object.", "tools");
        } else {
            f.putObject("parameters").put("type", "object").putObject("properties");
        }
        if (t.path("strict").isBoolean() && t.get("strict").booleanValue()) {
            f.put("strict", true);
        }
    }

    static String flatten(String namespace, String name) {
        String flat = (namespace + NAMESPACE_SEPARATOR + name).replaceAll("[^A-Za-z0-9_-]", "_");
        return flat.length() <= 64 ? flat : flat.substring(0, 64);
    }

    private static void toolChoice(JsonNode root, ObjectNode chat, ToolNames names, DroppedFields dropped) {
        JsonNode choice = present(root, "tool_choice");
        if (choice == null) {
            return;
        }
        if (choice.isString()) {
            String c = choice.stringValue();
            if (c.equals("auto") || c.equals("none") || c.equals("required")) {
                chat.put("tool_choice", c);
            } else {
                throw bad("'tool_choice' must be auto, none, required or an object.", "tool_choice");
            }
            return;
        }
        String type = choice.path("type").asString("");
        if ((type.equals("function") || type.equals("custom"))
                && choice.path("name").isString()) {
            chat.putObject("tool_choice")
                    .put("type", "function")
                    .putObject("function")
                    .put(
                            "name",
                            names.chat(
                                    textOrNull(choice.get("namespace")),
                                    choice.get("name").stringValue()));
        } else {
            dropped.add("tool_choice." + (type.isEmpty() ? "untyped" : type));
        }
    }

    /** Writes the reasoning effort for the channel's control; returns the effort asked for (low|medium|high). */
    private static String reasoning(
            JsonNode root, ObjectNode chat, UpstreamDialect.Reasoning control, DroppedFields dropped) {
        JsonNode r = present(root, "reasoning");
        if (r == null || !r.isObject()) {
            return null;
        }
        JsonNode e = present(r, "effort");
        if (e == null) {
            return null;
        }
        String effort = switch (e.asString("")) {
            case "none" -> "none";
            case "minimal", "low" -> "low";
            case "medium" -> "medium";
            case "high", "xhigh" -> "high";
            default -> throw bad("'reasoning.effort' must be none, minimal, low, medium, high or xhigh.", "reasoning");
        };
        boolean on = !effort.equals("none");
        switch (control) {
            case NONE -> dropped.add("reasoning.effort");
            case REASONING_EFFORT -> {
                if (on) {
                    chat.put("reasoning_effort", effort);
                } else {
                    dropped.add("reasoning.effort");
                }
            }
            case ENABLE_THINKING -> chat.put("enable_thinking", on);
            case THINKING_TYPE -> chat.putObject("thinking").put("type", on ? "enabled" : "disabled");
            case REASONING_OBJECT -> {
                ObjectNode o = chat.putObject("reasoning");
                if (on) {
                    o.put("effort", effort);
                } else {
                    o.put("enabled", false);
                }
            }
            case CHAT_TEMPLATE_KWARGS -> chat.putObject("chat_template_kwargs").put("enable_thinking", on);
        }
        return on ? effort : null;
    }

    private static void textFormat(JsonNode root, ObjectNode chat, DroppedFields dropped) {
        JsonNode text = present(root, "text");
        if (text == null || !text.isObject()) {
            return;
        }
        for (String f : text.propertyNames()) {
            if (!f.equals("format") && !text.get(f).isNull()) {
                dropped.add("text." + f);
            }
        }
        JsonNode format = present(text, "format");
        if (format == null) {
            return;
        }
        switch (format.path("type").asString("")) {
            case "text" -> {}
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                JsonNode schema = format.get("schema");
                if (schema == null || !schema.isObject()) {
                    throw bad("'text.format.schema' must be a JSON schema object.", "text");
                }
                ObjectNode js = chat.putObject("response_format")
                        .put("type", "json_schema")
                        .putObject("json_schema");
                js.put("name", format.path("name").asString("response"));
                if (format.path("description").isString()) {
                    js.put("description", format.get("description").stringValue());
                }
                js.set("schema", schema);
                if (format.path("strict").isBoolean()) {
                    js.put("strict", format.get("strict").booleanValue());
                }
            }
            default -> throw bad("'text.format.type' must be text, json_object or json_schema.", "text");
        }
    }

    /** The request's settings a Responses object repeats back. */
    private static ObjectNode echo(JsonNode root) {
        ObjectNode e = JSON.createObjectNode();
        JsonNode instructions = present(root, "instructions");
        e.set("instructions", instructions == null ? JSON.nullNode() : instructions);
        JsonNode max = present(root, "max_output_tokens");
        e.set("max_output_tokens", max == null ? JSON.nullNode() : max);
        JsonNode parallel = present(root, "parallel_tool_calls");
        e.put("parallel_tool_calls", parallel == null || parallel.asBoolean(true));
        e.put("previous_response_id", (String) null);
        JsonNode reasoning = present(root, "reasoning");
        ObjectNode r = e.putObject("reasoning");
        r.set(
                "effort",
                reasoning == null
                        ? JSON.nullNode()
                        : reasoning.path("effort").isString() ? reasoning.get("effort") : JSON.nullNode());
        r.set(
                "summary",
                reasoning == null
                        ? JSON.nullNode()
                        : reasoning.path("summary").isString() ? reasoning.get("summary") : JSON.nullNode());
        JsonNode store = present(root, "store");
        e.put("store", store != null && store.asBoolean(false));
        JsonNode temperature = present(root, "temperature");
        e.set(
                "temperature",
                temperature == null
                        ? tools.jackson.databind.node.JsonNodeFactory.instance.numberNode(1.0)
                        : temperature);
        JsonNode topP = present(root, "top_p");
        e.set("top_p", topP == null ? tools.jackson.databind.node.JsonNodeFactory.instance.numberNode(1.0) : topP);
        JsonNode text = present(root, "text");
        if (text != null && text.isObject() && text.has("format")) {
            e.set("text", text);
        } else {
            e.putObject("text").putObject("format").put("type", "text");
        }
        JsonNode choice = present(root, "tool_choice");
        e.set("tool_choice", choice == null ? JSON.stringNode("auto") : choice);
        JsonNode tools = present(root, "tools");
        e.set("tools", tools != null && tools.isArray() ? tools : JSON.createArrayNode());
        e.put("truncation", "disabled");
        JsonNode user = present(root, "user");
        e.set("user", user == null ? JSON.nullNode() : user);
        JsonNode metadata = present(root, "metadata");
        e.set("metadata", metadata != null && metadata.isObject() ? metadata : JSON.createObjectNode());
        return e;
    }

    // --------------------------------------------------------------------------------------------------- response

    /**
     * A chat completion → a Responses object ({@code publicModel}, settings echoed from the request).
     *
     * @param chatCompletion the upstream's chat completion body (or one translated into that shape)
     */
    public static Translated response(
            byte[] chatCompletion, String publicModel, Prepared request, String responseId, long createdAt) {
        JsonNode root = JSON.readTree(chatCompletion);
        JsonNode choice = root.path("choices").path(0);
        JsonNode message = choice.path("message");
        ResponseBuilder b = new ResponseBuilder(responseId, publicModel, request, createdAt);
        String reasoning = AnthropicOverOpenAi.reasoning(message);
        if (reasoning != null && !reasoning.isEmpty()) {
            b.output.add(ResponseBuilder.reasoningItem(b.itemId("rs"), reasoning));
        }
        JsonNode content = message.get("content");
        String text = content == null || content.isNull()
                ? ""
                : content.isString() ? content.stringValue() : joinText(content);
        if (message.path("refusal").isString() && text.isEmpty()) {
            text = message.get("refusal").stringValue();
        }
        if (!text.isEmpty()) {
            b.output.add(ResponseBuilder.messageItem(b.itemId("msg"), text, "completed"));
        }
        for (JsonNode call : message.path("tool_calls").values()) {
            JsonNode f = call.path("function");
            String callId = call.path("id").asString("");
            b.output.add(b.callItem(
                    b.itemId("fc"),
                    callId.isEmpty() ? "call_" + randomId() : callId,
                    f.path("name").asString(""),
                    f.path("arguments").asString("{}"),
                    "completed"));
        }
        TokenUsage usage = UsageReader.fromUsage(root.get("usage"));
        ObjectNode body = b.finished(choice.path("finish_reason").asString(null), root.get("usage"));
        return new Translated(JSON.writeValueAsBytes(body), usage);
    }

    private static String joinText(JsonNode parts) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : parts.values()) {
            if (p.path("text").isString()) {
                sb.append(p.get("text").stringValue());
            }
        }
        return sb.toString();
    }

    /** Builds Responses objects and output items (shared by the buffered and the streamed translation). */
    static final class ResponseBuilder {
        final String id;
        final String model;
        final Prepared request;
        final long createdAt;
        final List<ObjectNode> output = new ArrayList<>();
        private int items;

        ResponseBuilder(String id, String model, Prepared request, long createdAt) {
            this.id = id;
            this.model = model;
            this.request = request;
            this.createdAt = createdAt;
        }

        /** A stable item id: the response's id with a kind prefix and a counter. */
        String itemId(String kind) {
            String base = id.startsWith("resp_") ? id.substring(5) : id;
            return kind + "_" + base + "_" + items++;
        }

        ObjectNode skeleton(String status) {
            ObjectNode r = JSON.createObjectNode();
            r.put("id", id);
            r.put("object", "response");
            r.put("created_at", createdAt);
            r.put("status", status);
            r.putNull("error");
            r.putNull("incomplete_details");
            r.put("model", model);
            r.setAll(request.echo());
            r.putArray("output");
            r.putNull("usage");
            return r;
        }

        ObjectNode finished(String finishReason, JsonNode chatUsage) {
            String incomplete = "length".equals(finishReason)
                    ? "max_output_tokens"
                    : "content_filter".equals(finishReason) ? "content_filter" : null;
            ObjectNode r = skeleton(incomplete == null ? "completed" : "incomplete");
            if (incomplete != null) {
                r.putObject("incomplete_details").put("reason", incomplete);
            }
            ArrayNode out = r.putArray("output");
            output.forEach(out::add);
            r.set("usage", responsesUsage(chatUsage));
            return r;
        }

        static ObjectNode messageItem(String id, String text, String status) {
            ObjectNode m = JSON.createObjectNode();
            m.put("type", "message");
            m.put("id", id);
            m.put("status", status);
            m.put("role", "assistant");
            ArrayNode content = m.putArray("content");
            if (text != null) {
                content.add(textPart(text));
            }
            return m;
        }

        static ObjectNode textPart(String text) {
            ObjectNode p = JSON.createObjectNode();
            p.put("type", "output_text");
            p.put("text", text);
            p.putArray("annotations");
            p.putArray("logprobs");
            return p;
        }

        static ObjectNode reasoningItem(String id, String text) {
            ObjectNode r = JSON.createObjectNode();
            r.put("type", "reasoning");
            r.put("id", id);
            ArrayNode summary = r.putArray("summary");
            if (text != null) {
                summary.addObject().put("type", "summary_text").put("text", text);
            }
            return r;
        }

        /** A function call item — or a custom tool call item for a custom tool — with the client's own names. */
        ObjectNode callItem(String itemId, String callId, String chatName, String arguments, String status) {
            ObjectNode c = JSON.createObjectNode();
            if (request.tools().isCustom(chatName)) {
                c.put("type", "custom_tool_call");
                c.put("id", itemId);
                c.put("call_id", callId);
                c.put("name", chatName);
                c.put("input", customInput(arguments));
                c.put("status", status);
                return c;
            }
            String[] client = request.tools().client(chatName);
            c.put("type", "function_call");
            c.put("id", itemId);
            c.put("call_id", callId);
            c.put("name", client[1]);
            if (client[0] != null) {
                c.put("namespace", client[0]);
            }
            c.put("arguments", arguments);
            c.put("status", status);
            return c;
        }

        private static String customInput(String arguments) {
            try {
                JsonNode a = JSON.readTree(arguments);
                return a.path("input").isString() ? a.get("input").stringValue() : arguments;
            } catch (JacksonException e) {
                return arguments;
            }
        }
    }

    /** Chat usage → the Responses usage object (null when the upstream reported none). */
    static ObjectNode responsesUsage(JsonNode chatUsage) {
        TokenUsage u = UsageReader.fromUsage(chatUsage);
        if (u == null) {
            return null;
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("input_tokens", u.promptTokens());
        o.putObject("input_tokens_details")
                .put("cached_tokens", u.cacheReadTokens())
                .put("cache_write_tokens", u.cacheWriteTokens());
        o.put("output_tokens", u.completionTokens());
        o.putObject("output_tokens_details")
                .put(
                        "reasoning_tokens",
                        chatUsage
                                .path("completion_tokens_details")
                                .path("reasoning_tokens")
                                .asLong(0));
        o.put("total_tokens", u.promptTokens() + u.completionTokens());
        return o;
    }

    static String randomId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    // ----------------------------------------------------------------------------------------------------- helpers

    private static String required(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isString() || v.stringValue().isEmpty()) {
            throw bad(
                    where + "." + field + " must be a non-empty string.",
                    where.startsWith("tools") ? "tools" : "input");
        }
        return v.stringValue();
    }

    private static String textOrNull(JsonNode n) {
        return n != null && n.isString() ? n.stringValue() : null;
    }

    private static JsonNode present(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private static BadRequestException bad(String message, String param) {
        return new BadRequestException(message, param);
    }
}
