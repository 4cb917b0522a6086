package dev.relay.simulator.anthropic;

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
 * {@code POST /v1/messages} (Anthropic Messages API, non-streamed and streamed with the canonical event sequence) and
 * {@code POST /v1/messages/count_tokens}. {@code x-sim-reasoning: true} puts a {@code thinking} block before the
 * reply; {@code x-sim-vision: false} rejects {@code image} blocks.
 */
@Component
public class MessagesHandler {

    static final byte[] PING = JsonText.utf8("event: ping\ndata: {\"type\": \"ping\"}\n\n");
    static final byte[] MESSAGE_STOP = JsonText.utf8("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    static final byte[] STREAM_ERROR = JsonText.utf8("event: error\ndata: {\"type\":\"error\",\"error\":"
            + "{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
    static final String SIGNATURE = "sim-signature";

    public Mono<ServerResponse> handle(ServerRequest request) {
        Scenario scenario = SimExchange.scenario(request);
        JsonNode root = SimExchange.json(request);
        Mono<ServerResponse> invalid = validate(root, scenario);
        if (invalid != null) {
            return invalid;
        }
        if (scenario.noVision() && hasImage(root.path("messages"))) {
            return ApiError.imageUnsupported(ApiFlavor.ANTHROPIC).toResponse();
        }
        String model = Nodes.text(root.get("model"));
        Conversation conversation = Conversation.of(root);
        JsonNode toolChoice = root.get("tool_choice");
        ToolScript script = scenario.toolScript();
        List<ToolCalls.Call> calls = script != null
                ? (conversation.lastToolResult() != null ? List.of() : script.call(tools(root.get("tools")), "toolu_"))
                : ToolCalls.plan(
                        tools(root.get("tools")),
                        mode(toolChoice),
                        "tool".equals(Nodes.text(toolChoice == null ? null : toolChoice.get("type")))
                                ? Nodes.text(toolChoice.get("name"))
                                : null,
                        conversation.lastUserText(),
                        scenario.forceToolCall(),
                        scenario.parallelTools(),
                        "toolu_");
        ReplyText reply = !calls.isEmpty()
                ? null
                : script != null && conversation.lastToolResult() != null
                        ? ReplyText.split(ToolScript.answer(conversation.lastToolResult()), scenario.chunks())
                        : ReplyText.of(model, conversation.lastUserText(), scenario.chunks());
        String stopSequence = null;
        String limitedReason = null;
        if (reply != null && scenario.limits()) {
            JsonNode max = root.get("max_tokens");
            List<String> stops = new ArrayList<>();
            root.path("stop_sequences").values().forEach(s -> {
                if (s.isString()) {
                    stops.add(s.asString());
                }
            });
            ReplyText.Limited limited = reply.limit(
                    max != null && max.isIntegralNumber() ? max.intValue() : null, stops, scenario.chunks());
            reply = limited.reply();
            limitedReason = limited.stopReason();
            stopSequence = limited.matchedStop();
        }
        String thinking = scenario.reasoning() ? ReplyText.reasoning(conversation.lastUserText()) : null;
        int outputTokens = (reply != null ? reply.tokens() : toolTokens(calls)) + Tokens.words(thinking);
        int first = thinking != null ? 1 : 0; // index of the first reply block
        String stopReason = reply == null ? "tool_use" : limitedReason != null ? limitedReason : "end_turn";
        String stopSequenceJson = stopSequence == null
                ? "null"
                : JsonText.quote(new StringBuilder(), stopSequence).toString();
        String id = Ids.next("msg_");

        if (!Nodes.bool(root.get("stream"), false)) {
            StringBuilder out = new StringBuilder(512).append("{\"id\":\"").append(id);
            out.append("\",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
            JsonText.quote(out, model).append(",\"content\":[");
            if (thinking != null) {
                JsonText.quote(out.append("{\"type\":\"thinking\",\"thinking\":"), thinking)
                        .append(",\"signature\":\"")
                        .append(SIGNATURE)
                        .append("\"},");
            }
            if (reply != null) {
                JsonText.quote(out.append("{\"type\":\"text\",\"text\":"), reply.text())
                        .append('}');
            } else {
                for (int i = 0; i < calls.size(); i++) {
                    ToolCalls.Call call = calls.get(i);
                    out.append(i == 0 ? "" : ",")
                            .append("{\"type\":\"tool_use\",\"id\":\"")
                            .append(call.id());
                    JsonText.quote(out.append("\",\"name\":"), call.name()).append(",\"input\":");
                    out.append(call.arguments()).append('}');
                }
            }
            out.append("],\"stop_reason\":\"")
                    .append(stopReason)
                    .append("\",\"stop_sequence\":")
                    .append(stopSequenceJson)
                    .append(",\"usage\":");
            usage(out, conversation.inputTokens(), scenario, outputTokens).append('}');
            return Replies.json(request, JsonText.utf8(out));
        }

        List<byte[]> events = new ArrayList<>();
        StringBuilder start = new StringBuilder(384).append("{\"type\":\"message_start\",\"message\":{\"id\":\"");
        start.append(id).append("\",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
        JsonText.quote(start, model).append(",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":");
        usage(start, conversation.inputTokens(), scenario, 1).append("}}");
        events.add(event("message_start", start));
        if (thinking != null) {
            events.add(event(
                    "content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\","
                            + "\"thinking\":\"\",\"signature\":\"\"}}"));
            events.add(PING);
            for (String piece : Fragments.split(thinking, scenario.chunks())) {
                StringBuilder delta = new StringBuilder(piece.length() + 104)
                        .append("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                                + "\"thinking_delta\",\"thinking\":");
                events.add(event(
                        "content_block_delta", JsonText.quote(delta, piece).append("}}")));
            }
            events.add(event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\","
                            + "\"signature\":\"" + SIGNATURE + "\"}}"));
            events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        }
        if (reply != null) {
            events.add(event(
                    "content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":" + first
                            + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
            if (first == 0) {
                events.add(PING);
            }
            for (String piece : reply.chunks()) {
                StringBuilder delta = new StringBuilder(piece.length() + 96)
                        .append("{\"type\":\"content_block_delta\",\"index\":")
                        .append(first)
                        .append(",\"delta\":{\"type\":\"text_delta\",\"text\":");
                events.add(event(
                        "content_block_delta", JsonText.quote(delta, piece).append("}}")));
            }
            events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + first + "}"));
        } else {
            for (int i = 0; i < calls.size(); i++) {
                ToolCalls.Call call = calls.get(i);
                int index = first + i;
                StringBuilder blockStart =
                        new StringBuilder(192).append("{\"type\":\"content_block_start\",\"index\":");
                blockStart
                        .append(index)
                        .append(",\"content_block\":{\"type\":\"tool_use\",\"id\":\"")
                        .append(call.id());
                JsonText.quote(blockStart.append("\",\"name\":"), call.name()).append(",\"input\":{}}}");
                events.add(event("content_block_start", blockStart));
                if (index == 0) {
                    events.add(PING);
                }
                List<String> fragments = new ArrayList<>();
                fragments.add("");
                fragments.addAll(Fragments.split(call.arguments(), scenario.chunks()));
                for (String fragment : fragments) {
                    StringBuilder delta = new StringBuilder(fragment.length() + 112)
                            .append("{\"type\":\"content_block_delta\",\"index\":")
                            .append(index)
                            .append(",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":");
                    events.add(event(
                            "content_block_delta",
                            JsonText.quote(delta, fragment).append("}}")));
                }
                events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}"));
            }
        }
        events.add(event(
                "message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
                        + "\",\"stop_sequence\":" + stopSequenceJson + "},\"usage\":{\"output_tokens\":" + outputTokens
                        + "}}"));
        events.add(MESSAGE_STOP);
        return Replies.sse(request, events, STREAM_ERROR);
    }

    public Mono<ServerResponse> countTokens(ServerRequest request) {
        Scenario scenario = SimExchange.scenario(request);
        JsonNode root = SimExchange.json(request);
        Mono<ServerResponse> invalid = validate(root, scenario);
        if (invalid != null) {
            return invalid;
        }
        return Replies.json(
                request,
                JsonText.utf8("{\"input_tokens\":" + Conversation.of(root).inputTokens() + "}"));
    }

    private static Mono<ServerResponse> validate(JsonNode root, Scenario scenario) {
        if (root == null) {
            return ApiError.invalidRequest(ApiFlavor.ANTHROPIC, "There was an error parsing the body of your request.")
                    .toResponse();
        }
        String model = Nodes.text(root.get("model"));
        if (model == null) {
            return ApiError.invalidRequest(ApiFlavor.ANTHROPIC, "model: Field required")
                    .toResponse();
        }
        if (scenario.refusesModel(model)) {
            return ApiError.modelNotFound(ApiFlavor.ANTHROPIC, model).toResponse();
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray()) {
            return ApiError.invalidRequest(ApiFlavor.ANTHROPIC, "messages: Field required")
                    .toResponse();
        }
        return null;
    }

    /** An {@code image} block in any message, also inside {@code tool_result} content. */
    static boolean hasImage(JsonNode messages) {
        for (JsonNode message : messages.values()) {
            if (hasImageBlock(message.get("content"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasImageBlock(JsonNode content) {
        if (content == null || !content.isArray()) {
            return false;
        }
        for (JsonNode block : content.values()) {
            String type = Nodes.text(block.get("type"));
            if ("image".equals(type) || ("tool_result".equals(type) && hasImageBlock(block.get("content")))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] event(String name, CharSequence data) {
        StringBuilder out = new StringBuilder(name.length() + data.length() + 16);
        out.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
        return JsonText.utf8(out);
    }

    private static StringBuilder usage(StringBuilder out, int inputTokens, Scenario scenario, int outputTokens) {
        out.append("{\"input_tokens\":").append(inputTokens);
        if (scenario.cacheReadTokens() >= 0 || scenario.cacheWriteTokens() >= 0) {
            out.append(",\"cache_creation_input_tokens\":").append(Math.max(0, scenario.cacheWriteTokens()));
            out.append(",\"cache_read_input_tokens\":").append(Math.max(0, scenario.cacheReadTokens()));
        }
        return out.append(",\"output_tokens\":").append(outputTokens).append('}');
    }

    private static int toolTokens(List<ToolCalls.Call> calls) {
        int tokens = 0;
        for (ToolCalls.Call call : calls) {
            tokens += 1 + Tokens.words(call.arguments());
        }
        return tokens;
    }

    private static List<ToolCalls.Tool> tools(JsonNode tools) {
        if (tools == null || !tools.isArray()) {
            return List.of();
        }
        List<ToolCalls.Tool> out = new ArrayList<>();
        for (JsonNode tool : tools.values()) {
            String name = Nodes.text(tool.get("name"));
            if (name != null) {
                out.add(new ToolCalls.Tool(name, tool.get("input_schema")));
            }
        }
        return out;
    }

    private static ToolCalls.Mode mode(JsonNode toolChoice) {
        String type = toolChoice == null ? null : Nodes.text(toolChoice.get("type"));
        if (type == null) {
            return ToolCalls.Mode.AUTO;
        }
        return switch (type) {
            case "any", "tool" -> ToolCalls.Mode.REQUIRED;
            case "none" -> ToolCalls.Mode.NONE;
            default -> ToolCalls.Mode.AUTO;
        };
    }

    /**
     * Token count and last user text of a Messages request: the words of the system prompt and of every message's
     * text and tool results. The last user text ignores tool results, so a conversation that ends with a tool result
     * gets a text answer.
     */
    record Conversation(int inputTokens, String lastUserText, String lastToolResult) {

        static Conversation of(JsonNode root) {
            JsonNode system = root.get("system");
            int tokens = Tokens.words(Nodes.contentText(system));
            String lastUser = "";
            String lastToolResult = null;
            for (JsonNode message : root.path("messages").values()) {
                JsonNode content = message.get("content");
                tokens += Tokens.words(Nodes.contentText(content));
                lastToolResult = null;
                for (JsonNode block : content != null && content.isArray() ? content.values() : List.<JsonNode>of()) {
                    if ("tool_use".equals(Nodes.text(block.get("type")))) {
                        tokens += Tokens.words(block.path("input").toString());
                    } else if ("tool_result".equals(Nodes.text(block.get("type")))) {
                        JsonNode result = block.get("content");
                        lastToolResult =
                                result != null && result.isString() ? result.stringValue() : Nodes.contentText(result);
                    }
                }
                lastUser = "user".equals(Nodes.text(message.get("role"))) ? Nodes.contentText(content, false) : "";
            }
            return new Conversation(tokens, lastUser, lastToolResult);
        }
    }
}
