package dev.relay.simulator.openai;

import dev.relay.simulator.content.EmulatedTools;
import dev.relay.simulator.content.Fragments;
import dev.relay.simulator.content.Ids;
import dev.relay.simulator.content.JsonText;
import dev.relay.simulator.content.Nodes;
import dev.relay.simulator.content.ReplyText;
import dev.relay.simulator.content.Tokens;
import dev.relay.simulator.content.ToolCalls;
import dev.relay.simulator.content.ToolScript;
import dev.relay.simulator.scenario.ApiError;
import dev.relay.simulator.scenario.ApiFlavor;
import dev.relay.simulator.scenario.Replies;
import dev.relay.simulator.scenario.Scenario;
import dev.relay.simulator.scenario.SimExchange;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/chat/completions}, non-streamed and streamed ({@code data: {...}} chunks, {@code data: [DONE]}),
 * with text replies or tool calls. Chunks are assembled from a per-request prefix and suffix. A request without
 * {@code tools} whose system prompt carries Relay's tool-emulation contract gets the contract's {@code <tool_calls>}
 * text block instead of native tool calls; {@code x-sim-reasoning} adds {@code reasoning_content};
 * {@code x-sim-no-tools} / {@code x-sim-vision: false} reject tools / images.
 */
@Component
public class ChatCompletionsHandler {

    static final byte[] DONE = JsonText.utf8("data: [DONE]\n\n");
    static final byte[] STREAM_ERROR = JsonText.utf8(
            "data: {\"error\":{\"message\":\"The server had an error while"
                    + " processing your request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n");
    static final String INVALID_JSON = "We could not parse the JSON body of your request. (HINT: This likely means you"
            + " aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was"
            + " not valid JSON.)";

    public Mono<ServerResponse> handle(ServerRequest request) {
        Scenario scenario = SimExchange.scenario(request);
        JsonNode root = SimExchange.json(request);
        if (root == null) {
            return ApiError.invalidRequest(ApiFlavor.OPENAI, INVALID_JSON).toResponse();
        }
        String model = Nodes.text(root.get("model"));
        if (model == null) {
            return ApiError.invalidRequest(ApiFlavor.OPENAI, "you must provide a model parameter")
                    .toResponse();
        }
        if (scenario.refusesModel(model)) {
            return ApiError.modelNotFound(ApiFlavor.OPENAI, model).toResponse();
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            return ApiError.invalidRequest(ApiFlavor.OPENAI, "'messages' is a required property and must not be empty")
                    .toResponse();
        }

        ApiError refused = ChatRequestRules.check(root, scenario);
        if (refused != null) {
            return refused.toResponse();
        }
        if (scenario.noVision() && hasImage(messages)) {
            return ApiError.imageUnsupported(ApiFlavor.OPENAI).toResponse();
        }
        JsonNode toolsNode = root.get("tools");
        boolean declaresTools = toolsNode != null && !toolsNode.isNull();
        if (scenario.noTools() && declaresTools) {
            return ApiError.toolsUnsupported().toResponse();
        }

        int promptTokens = 0;
        String lastUserText = "";
        String lastRole = null;
        String lastToolText = "";
        StringBuilder system = new StringBuilder();
        for (JsonNode message : messages.values()) {
            lastRole = Nodes.text(message.get("role"));
            String text = Nodes.contentText(message.get("content"));
            promptTokens += Tokens.words(text);
            for (JsonNode call : message.path("tool_calls").values()) {
                promptTokens += Tokens.words(Nodes.text(call.path("function").get("arguments")));
            }
            if ("user".equals(lastRole)) {
                lastUserText = text;
            } else if ("tool".equals(lastRole)) {
                lastToolText = text;
            } else if ("system".equals(lastRole) || "developer".equals(lastRole)) {
                system.append(text).append('\n');
            }
        }

        EmulatedTools.Contract contract = declaresTools ? null : EmulatedTools.find(system);
        List<ToolCalls.Call> calls;
        ReplyText reply;
        if (contract != null) {
            // the model follows the relay's contract: tool calls are a text block, parsed back by the relay
            calls = List.of();
            List<ToolCalls.Call> emulated = ToolCalls.plan(
                    contract.tools(),
                    contract.mode(),
                    contract.forcedName(),
                    EmulatedTools.isToolResult(lastUserText) ? "" : lastUserText,
                    scenario.forceToolCall(),
                    scenario.parallelTools(),
                    "call_");
            reply = emulated.isEmpty()
                    ? ReplyText.of(model, lastUserText, scenario.chunks())
                    : ReplyText.split(EmulatedTools.block(emulated), scenario.chunks());
        } else if (scenario.toolScript() != null) {
            // a scripted round trip: the named tool first, then an answer quoting what the tool returned
            boolean answered = "tool".equals(lastRole);
            calls = answered ? List.of() : scenario.toolScript().call(tools(toolsNode), "call_");
            reply = answered
                    ? ReplyText.split(ToolScript.answer(lastToolText), scenario.chunks())
                    : calls.isEmpty() ? ReplyText.of(model, lastUserText, scenario.chunks()) : null;
        } else {
            calls = ToolCalls.plan(
                    tools(toolsNode),
                    mode(root.get("tool_choice")),
                    forcedName(root.get("tool_choice")),
                    "tool".equals(lastRole) ? "" : lastUserText,
                    scenario.forceToolCall(),
                    scenario.parallelTools(),
                    "call_");
            reply = calls.isEmpty() ? ReplyText.of(model, lastUserText, scenario.chunks()) : null;
        }
        String finishReason = "stop";
        if (reply != null && scenario.limits()) {
            JsonNode max =
                    root.has("max_completion_tokens") ? root.get("max_completion_tokens") : root.get("max_tokens");
            ReplyText.Limited limited = reply.limit(
                    max != null && max.isIntegralNumber() ? max.intValue() : null,
                    stops(root.get("stop")),
                    scenario.chunks());
            reply = limited.reply();
            if ("max_tokens".equals(limited.stopReason())) {
                finishReason = "length";
            }
        }
        String reasoning = scenario.reasoning() ? ReplyText.reasoning(lastUserText) : null;
        int reasoningTokens = Tokens.words(reasoning);
        int completionTokens = (reply != null ? reply.tokens() : toolTokens(calls)) + reasoningTokens;
        String usage = usage(promptTokens, completionTokens, scenario.cacheReadTokens(), reasoningTokens);
        String id = Ids.next("chatcmpl-");
        long created = System.currentTimeMillis() / 1000;

        if (Nodes.bool(root.get("stream"), false)) {
            boolean includeUsage = Nodes.bool(root.path("stream_options").get("include_usage"), false);
            Chunks chunks = new Chunks(id, created, model, includeUsage);
            List<byte[]> events = reply != null
                    ? textEvents(chunks, reply, finishReason)
                    : toolEvents(chunks, calls, scenario.chunks());
            if (reasoning != null) {
                events.addAll(
                        reply != null ? 1 : 0, reasoningEvents(chunks, reasoning, scenario.chunks(), reply == null));
            }
            if (includeUsage) {
                events.add(chunks.usage(usage));
            }
            events.add(DONE);
            return Replies.sse(request, events, STREAM_ERROR);
        }
        StringBuilder out = new StringBuilder(512).append("{\"id\":\"").append(id);
        out.append("\",\"object\":\"chat.completion\",\"created\":")
                .append(created)
                .append(",\"model\":");
        JsonText.quote(out, model).append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",");
        if (reasoning != null) {
            JsonText.quote(out.append("\"reasoning_content\":"), reasoning).append(',');
        }
        out.append("\"content\":");
        if (reply != null) {
            JsonText.quote(out, reply.text()).append(",\"refusal\":null,\"annotations\":[]}");
            out.append(",\"logprobs\":null,\"finish_reason\":\"")
                    .append(finishReason)
                    .append("\"}]");
        } else {
            out.append("null,\"tool_calls\":[");
            for (int i = 0; i < calls.size(); i++) {
                ToolCalls.Call call = calls.get(i);
                out.append(i == 0 ? "" : ",").append("{\"id\":\"").append(call.id());
                out.append("\",\"type\":\"function\",\"function\":{\"name\":");
                JsonText.quote(out, call.name()).append(",\"arguments\":");
                JsonText.quote(out, call.arguments()).append("}}");
            }
            out.append("],\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]");
        }
        out.append(",\"usage\":").append(usage);
        out.append(",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_sim\"}");
        return Replies.json(request, JsonText.utf8(out));
    }

    /** OpenAI's {@code stop}: a string or an array of strings. */
    static List<String> stops(JsonNode stop) {
        List<String> out = new ArrayList<>();
        if (stop != null && stop.isString()) {
            out.add(stop.asString());
        } else if (stop != null && stop.isArray()) {
            stop.values().forEach(s -> {
                if (s.isString()) {
                    out.add(s.asString());
                }
            });
        }
        return out;
    }

    private static List<byte[]> textEvents(Chunks chunks, ReplyText reply, String finishReason) {
        List<byte[]> events = new ArrayList<>(reply.chunks().size() + 4);
        events.add(chunks.choice("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null));
        for (String piece : reply.chunks()) {
            StringBuilder delta = new StringBuilder(piece.length() + 16).append("{\"content\":");
            events.add(chunks.choice(JsonText.quote(delta, piece).append('}'), null));
        }
        events.add(chunks.choice("{}", finishReason));
        return events;
    }

    /** {@code delta.reasoning_content} pieces; the first carries the role when no role chunk precedes them. */
    private static List<byte[]> reasoningEvents(Chunks chunks, String reasoning, int parts, boolean withRole) {
        List<byte[]> events = new ArrayList<>();
        List<String> pieces = Fragments.split(reasoning, parts);
        for (int i = 0; i < pieces.size(); i++) {
            StringBuilder delta = new StringBuilder(pieces.get(i).length() + 64).append('{');
            if (i == 0 && withRole) {
                delta.append("\"role\":\"assistant\",\"content\":null,");
            }
            JsonText.quote(delta.append("\"reasoning_content\":"), pieces.get(i))
                    .append('}');
            events.add(chunks.choice(delta, null));
        }
        return events;
    }

    /** An {@code image_url} (or {@code input_image}) content part anywhere in the messages. */
    static boolean hasImage(JsonNode messages) {
        for (JsonNode message : messages.values()) {
            JsonNode content = message.get("content");
            if (content == null || !content.isArray()) {
                continue;
            }
            for (JsonNode part : content.values()) {
                String type = Nodes.text(part.get("type"));
                if ("image_url".equals(type) || "input_image".equals(type)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<byte[]> toolEvents(Chunks chunks, List<ToolCalls.Call> calls, int fragments) {
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            ToolCalls.Call call = calls.get(i);
            StringBuilder first = new StringBuilder(160);
            first.append(i == 0 ? "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" : "{\"tool_calls\":[");
            first.append("{\"index\":").append(i).append(",\"id\":\"").append(call.id());
            first.append("\",\"type\":\"function\",\"function\":{\"name\":");
            JsonText.quote(first, call.name()).append(",\"arguments\":\"\"}}]");
            first.append(i == 0 ? ",\"refusal\":null}" : "}");
            events.add(chunks.choice(first, null));
            for (String fragment : Fragments.split(call.arguments(), fragments)) {
                StringBuilder delta = new StringBuilder(fragment.length() + 64);
                delta.append("{\"tool_calls\":[{\"index\":").append(i).append(",\"function\":{\"arguments\":");
                JsonText.quote(delta, fragment).append("}}]}");
                events.add(chunks.choice(delta, null));
            }
        }
        events.add(chunks.choice("{}", "tool_calls"));
        return events;
    }

    static List<ToolCalls.Tool> tools(JsonNode tools) {
        if (tools == null || !tools.isArray()) {
            return List.of();
        }
        List<ToolCalls.Tool> out = new ArrayList<>();
        for (JsonNode tool : tools.values()) {
            JsonNode function = tool.path("function");
            String name = Nodes.text(function.get("name"));
            if (name != null) {
                out.add(new ToolCalls.Tool(name, function.get("parameters")));
            }
        }
        return out;
    }

    static ToolCalls.Mode mode(JsonNode toolChoice) {
        if (toolChoice == null || toolChoice.isNull()) {
            return ToolCalls.Mode.AUTO;
        }
        if (toolChoice.isString()) {
            return switch (toolChoice.stringValue()) {
                case "required" -> ToolCalls.Mode.REQUIRED;
                case "none" -> ToolCalls.Mode.NONE;
                default -> ToolCalls.Mode.AUTO;
            };
        }
        return forcedName(toolChoice) != null ? ToolCalls.Mode.REQUIRED : ToolCalls.Mode.AUTO;
    }

    /** {@code {"type":"function","function":{"name":...}}} (chat) or {@code {"type":"function","name":...}}. */
    static String forcedName(JsonNode toolChoice) {
        if (toolChoice == null || !toolChoice.isObject() || !"function".equals(Nodes.text(toolChoice.get("type")))) {
            return null;
        }
        String name = Nodes.text(toolChoice.path("function").get("name"));
        return name != null ? name : Nodes.text(toolChoice.get("name"));
    }

    static int toolTokens(List<ToolCalls.Call> calls) {
        int tokens = 0;
        for (ToolCalls.Call call : calls) {
            tokens += 1 + Tokens.words(call.arguments());
        }
        return tokens;
    }

    static String usage(int prompt, int completion, int cached) {
        return usage(prompt, completion, cached, 0);
    }

    static String usage(int prompt, int completion, int cached, int reasoning) {
        return "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                + (prompt + completion) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + Math.max(0, cached)
                + ",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":" + reasoning
                + ",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";
    }

    /** The per-request template of {@code chat.completion.chunk} events. */
    private static final class Chunks {

        private final String head;
        private final String tail;

        Chunks(String id, long created, String model, boolean includeUsage) {
            StringBuilder head =
                    new StringBuilder(160).append("data: {\"id\":\"").append(id);
            head.append("\",\"object\":\"chat.completion.chunk\",\"created\":").append(created);
            head.append(",\"model\":");
            JsonText.quote(head, model).append(",\"system_fingerprint\":\"fp_sim\",\"choices\":[");
            this.head = head.toString();
            this.tail = includeUsage ? "],\"usage\":null}\n\n" : "]}\n\n";
        }

        byte[] choice(CharSequence delta, String finishReason) {
            StringBuilder out = new StringBuilder(head.length() + delta.length() + 96).append(head);
            out.append("{\"index\":0,\"delta\":").append(delta).append(",\"logprobs\":null,\"finish_reason\":");
            out.append(finishReason == null ? "null" : "\"" + finishReason + "\"")
                    .append('}')
                    .append(tail);
            return JsonText.utf8(out);
        }

        byte[] usage(String usage) {
            return JsonText.utf8(head + "],\"usage\":" + usage + "}\n\n");
        }
    }
}
