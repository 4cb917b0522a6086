package dev.relay.simulator.openai;

import dev.relay.simulator.content.Nodes;
import dev.relay.simulator.scenario.ApiError;
import dev.relay.simulator.scenario.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What a real OpenAI-compatible upstream refuses in a Chat Completions request, refused here the same way, so that a
 * translation gap in the relay cannot hide behind a lenient fake: parameters outside the dialect ("Unrecognized
 * request argument supplied"), unknown roles, content part types a role cannot carry, tool messages that answer no
 * call, calls left unanswered, and (for {@code x-sim-system-first}) a system message after the conversation began.
 * Messages follow OpenAI's own error texts.
 */
final class ChatRequestRules {

    /** OpenAI's Chat Completions parameters. */
    static final Set<String> OPENAI = Set.of(
            "model",
            "messages",
            "audio",
            "frequency_penalty",
            "function_call",
            "functions",
            "logit_bias",
            "logprobs",
            "max_completion_tokens",
            "max_tokens",
            "metadata",
            "modalities",
            "n",
            "parallel_tool_calls",
            "prediction",
            "presence_penalty",
            "prompt_cache_key",
            "prompt_cache_retention",
            "reasoning_effort",
            "response_format",
            "safety_identifier",
            "seed",
            "service_tier",
            "stop",
            "store",
            "stream",
            "stream_options",
            "temperature",
            "tool_choice",
            "tools",
            "top_logprobs",
            "top_p",
            "user",
            "verbosity",
            "web_search_options");

    /** What each vendor dialect adds to OpenAI's parameters. */
    static final Map<String, Set<String>> DIALECT_EXTRAS = Map.of(
            "openai", Set.of(),
            "enable_thinking", Set.of("enable_thinking", "thinking_budget", "top_k"),
            "thinking_type", Set.of("thinking"),
            "reasoning_object", Set.of("reasoning", "top_k"),
            "chat_template_kwargs", Set.of("chat_template_kwargs", "top_k", "min_p", "repetition_penalty"));

    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    static final Set<String> USER_PARTS = Set.of("text", "image_url", "input_audio", "file");
    static final Set<String> ASSISTANT_PARTS = Set.of("text", "refusal");

    private ChatRequestRules() {}

    /** The error a strict upstream answers, or null when the request is acceptable. */
    static ApiError check(JsonNode root, Scenario scenario) {
        Set<String> allowed = DIALECT_EXTRAS.getOrDefault(scenario.dialect(), Set.of());
        for (String field : root.propertyNames()) {
            if (!OPENAI.contains(field) && !allowed.contains(field)) {
                return invalid("Unrecognized request argument supplied: " + field, null, null);
            }
        }
        JsonNode messages = root.get("messages");
        Set<String> pending = new LinkedHashSet<>();
        int pendingFrom = -1;
        boolean conversationBegan = false;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages.[" + i + "]";
            if (!m.isObject()) {
                return invalid("Invalid type for '" + at + "': expected an object.", at, "invalid_type");
            }
            String role = Nodes.text(m.get("role"));
            if (role == null || !ROLES.contains(role)) {
                return invalid(
                        "Invalid value: '" + role + "'. Supported values are: 'system', 'assistant', 'user',"
                                + " 'function', 'tool', and 'developer'.",
                        at + ".role",
                        "invalid_value");
            }
            if (!role.equals("tool") && !pending.isEmpty()) {
                return invalid(
                        "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
                                + " 'tool_call_id'. The following tool_call_ids did not have response messages: "
                                + String.join(", ", pending),
                        "messages.[" + pendingFrom + "].role",
                        null);
            }
            ApiError parts = checkParts(m.get("content"), role, at);
            if (parts != null) {
                return parts;
            }
            switch (role) {
                case "system", "developer" -> {
                    if (scenario.systemFirst() && conversationBegan) {
                        return invalid("System message must be at the beginning.", at + ".role", null);
                    }
                }
                case "assistant" -> {
                    conversationBegan = true;
                    for (JsonNode call : m.path("tool_calls").values()) {
                        String id = Nodes.text(call.get("id"));
                        if (id != null) {
                            pending.add(id);
                            pendingFrom = i;
                        }
                    }
                }
                case "tool" -> {
                    String id = Nodes.text(m.get("tool_call_id"));
                    if (id == null || !pending.remove(id)) {
                        return invalid(
                                "Invalid parameter: messages with role 'tool' must be a response to a preceeding"
                                        + " message with 'tool_calls'.",
                                at + ".role",
                                null);
                    }
                }
                default -> conversationBegan = true;
            }
        }
        if (!pending.isEmpty()) {
            return invalid(
                    "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
                            + " 'tool_call_id'. The following tool_call_ids did not have response messages: "
                            + String.join(", ", pending),
                    "messages.[" + pendingFrom + "].role",
                    null);
        }
        return null;
    }

    private static ApiError checkParts(JsonNode content, String role, String at) {
        if (content == null || !content.isArray()) {
            return null;
        }
        Set<String> allowed = switch (role) {
            case "user" -> USER_PARTS;
            case "assistant" -> ASSISTANT_PARTS;
            default -> Set.of("text");
        };
        List<String> supported = new ArrayList<>(allowed);
        supported.sort(null);
        for (int j = 0; j < content.size(); j++) {
            String type = Nodes.text(content.get(j).get("type"));
            if (type == null || !allowed.contains(type)) {
                return invalid(
                        "Invalid value: '" + type + "'. Supported values are: '" + String.join("', '", supported)
                                + "'.",
                        at + ".content.[" + j + "].type",
                        "invalid_value");
            }
        }
        return null;
    }

    private static ApiError invalid(String message, String param, String code) {
        return ApiError.openAi(400, message, "invalid_request_error", param, code);
    }
}
