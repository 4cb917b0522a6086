package dev.relay.simulator.openai;

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
 * {@code POST /v1/responses} (OpenAI Responses API): a {@code message} output item with {@code output_text}, or
 * {@code function_call} items; streamed as the API's typed events ({@code response.created}, ...,
 * {@code response.output_text.delta}, ..., {@code response.completed}).
 */
@Component
public class ResponsesHandler {

    public Mono<ServerResponse> handle(ServerRequest request) {
        Scenario scenario = SimExchange.scenario(request);
        JsonNode root = SimExchange.json(request);
        if (root == null) {
            return ApiError.invalidRequest(ApiFlavor.OPENAI, ChatCompletionsHandler.INVALID_JSON)
                    .toResponse();
        }
        String model = Nodes.text(root.get("model"));
        if (model == null) {
            return ApiError.invalidRequest(ApiFlavor.OPENAI, "Missing required parameter: 'model'.")
                    .toResponse();
        }
        if (scenario.refusesModel(model)) {
            return ApiError.modelNotFound(ApiFlavor.OPENAI, model).toResponse();
        }
        JsonNode input = root.get("input");
        String instructions = Nodes.text(root.get("instructions"));
        int inputTokens = Tokens.words(instructions);
        String lastUserText = "";
        String lastToolOutput = "";
        boolean endsWithToolOutput = false;
        if (input != null && input.isString()) {
            lastUserText = input.stringValue();
            inputTokens += Tokens.words(lastUserText);
        } else if (input != null && input.isArray()) {
            for (JsonNode item : input.values()) {
                String type = Nodes.text(item.get("type"));
                endsWithToolOutput = "function_call_output".equals(type);
                if (endsWithToolOutput) {
                    JsonNode output = item.get("output");
                    lastToolOutput =
                            output != null && output.isString() ? output.stringValue() : Nodes.contentText(output);
                    inputTokens += Tokens.words(lastToolOutput);
                } else if ("function_call".equals(type)) {
                    inputTokens += Tokens.words(Nodes.text(item.get("arguments")));
                } else {
                    String text = Nodes.contentText(item.get("content"));
                    inputTokens += Tokens.words(text);
                    if ("user".equals(Nodes.text(item.get("role")))) {
                        lastUserText = text;
                    }
                }
            }
        } else {
            return ApiError.invalidRequest(ApiFlavor.OPENAI, "Missing required parameter: 'input'.")
                    .toResponse();
        }

        JsonNode toolChoice = root.get("tool_choice");
        ToolScript script = scenario.toolScript();
        List<ToolCalls.Call> calls = script != null
                ? (endsWithToolOutput ? List.of() : script.call(tools(root.get("tools")), "call_"))
                : ToolCalls.plan(
                        tools(root.get("tools")),
                        ChatCompletionsHandler.mode(toolChoice),
                        ChatCompletionsHandler.forcedName(toolChoice),
                        endsWithToolOutput ? "" : lastUserText,
                        scenario.forceToolCall(),
                        scenario.parallelTools(),
                        "call_");
        ReplyText reply = !calls.isEmpty()
                ? null
                : script != null && endsWithToolOutput
                        ? ReplyText.split(ToolScript.answer(lastToolOutput), scenario.chunks())
                        : ReplyText.of(model, lastUserText, scenario.chunks());
        int outputTokens = reply != null ? reply.tokens() : ChatCompletionsHandler.toolTokens(calls);
        Envelope envelope = new Envelope(
                Ids.next("resp_"),
                System.currentTimeMillis() / 1000,
                model,
                root,
                usage(inputTokens, outputTokens, scenario.cacheReadTokens()));
        String messageId = Ids.next("msg_");
        List<String> itemIds = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            itemIds.add(Ids.next("fc_"));
        }

        StringBuilder output = new StringBuilder(256).append('[');
        if (reply != null) {
            messageItem(output, messageId, "completed", reply.text());
        } else {
            for (int i = 0; i < calls.size(); i++) {
                functionItem(output.append(i == 0 ? "" : ","), itemIds.get(i), "completed", calls.get(i), true);
            }
        }
        String completedOutput = output.append(']').toString();

        if (!Nodes.bool(root.get("stream"), false)) {
            return Replies.json(request, JsonText.utf8(envelope.response("completed", completedOutput, true)));
        }
        Events events = new Events();
        events.add("response.created", "\"response\":" + envelope.response("in_progress", "[]", false));
        events.add("response.in_progress", "\"response\":" + envelope.response("in_progress", "[]", false));
        if (reply != null) {
            String item = "\"item_id\":\"" + messageId + "\",\"output_index\":0,\"content_index\":0";
            StringBuilder added = new StringBuilder("\"output_index\":0,\"item\":");
            messageItem(added, messageId, "in_progress", null);
            events.add("response.output_item.added", added);
            events.add(
                    "response.content_part.added",
                    item + ",\"part\":{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"\"}");
            for (String piece : reply.chunks()) {
                StringBuilder delta = new StringBuilder(item).append(",\"delta\":");
                JsonText.quote(delta, piece).append(",\"logprobs\":[]");
                events.add("response.output_text.delta", delta);
            }
            String text = JsonText.quote(reply.text());
            events.add("response.output_text.done", item + ",\"text\":" + text + ",\"logprobs\":[]");
            events.add(
                    "response.content_part.done",
                    item + ",\"part\":{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":" + text
                            + "}");
            StringBuilder done = new StringBuilder("\"output_index\":0,\"item\":");
            messageItem(done, messageId, "completed", reply.text());
            events.add("response.output_item.done", done);
        } else {
            for (int i = 0; i < calls.size(); i++) {
                ToolCalls.Call call = calls.get(i);
                String item = "\"item_id\":\"" + itemIds.get(i) + "\",\"output_index\":" + i;
                StringBuilder added =
                        new StringBuilder("\"output_index\":").append(i).append(",\"item\":");
                functionItem(added, itemIds.get(i), "in_progress", call, false);
                events.add("response.output_item.added", added);
                for (String fragment : Fragments.split(call.arguments(), scenario.chunks())) {
                    StringBuilder delta = new StringBuilder(item).append(",\"delta\":");
                    events.add("response.function_call_arguments.delta", JsonText.quote(delta, fragment));
                }
                StringBuilder argumentsDone = new StringBuilder(item).append(",\"name\":");
                JsonText.quote(argumentsDone, call.name()).append(",\"arguments\":");
                events.add("response.function_call_arguments.done", JsonText.quote(argumentsDone, call.arguments()));
                StringBuilder done =
                        new StringBuilder("\"output_index\":").append(i).append(",\"item\":");
                functionItem(done, itemIds.get(i), "completed", call, true);
                events.add("response.output_item.done", done);
            }
        }
        events.add("response.completed", "\"response\":" + envelope.response("completed", completedOutput, true));
        byte[] fault = JsonText.utf8("event: error\ndata: {\"type\":\"error\",\"sequence_number\":"
                + Math.min(scenario.eventsBeforeFault(), events.list.size())
                + ",\"code\":\"server_error\",\"message\":\"The server had an error while processing your request."
                + " Sorry about that!\",\"param\":null}\n\n");
        return Replies.sse(request, events.list, fault);
    }

    private static void messageItem(StringBuilder out, String id, String status, String text) {
        out.append("{\"id\":\"")
                .append(id)
                .append("\",\"type\":\"message\",\"status\":\"")
                .append(status);
        out.append("\",\"content\":[");
        if (text != null) {
            out.append("{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":");
            JsonText.quote(out, text).append('}');
        }
        out.append("],\"role\":\"assistant\"}");
    }

    private static void functionItem(
            StringBuilder out, String id, String status, ToolCalls.Call call, boolean withArguments) {
        out.append("{\"id\":\"")
                .append(id)
                .append("\",\"type\":\"function_call\",\"status\":\"")
                .append(status);
        out.append("\",\"arguments\":");
        JsonText.quote(out, withArguments ? call.arguments() : "")
                .append(",\"call_id\":\"")
                .append(call.id());
        out.append("\",\"name\":");
        JsonText.quote(out, call.name()).append('}');
    }

    private static List<ToolCalls.Tool> tools(JsonNode tools) {
        if (tools == null || !tools.isArray()) {
            return List.of();
        }
        List<ToolCalls.Tool> out = new ArrayList<>();
        for (JsonNode tool : tools.values()) {
            String name = Nodes.text(tool.get("name"));
            if ("function".equals(Nodes.text(tool.get("type"))) && name != null) {
                out.add(new ToolCalls.Tool(name, tool.get("parameters")));
            }
        }
        return out;
    }

    private static String usage(int input, int output, int cached) {
        return "{\"input_tokens\":" + input + ",\"input_tokens_details\":{\"cached_tokens\":" + Math.max(0, cached)
                + "},\"output_tokens\":" + output + ",\"output_tokens_details\":{\"reasoning_tokens\":0},"
                + "\"total_tokens\":" + (input + output) + "}";
    }

    /** The {@code response} object, rendered for each status it passes through. */
    private static final class Envelope {

        private final String prefix;
        private final String middle;
        private final String suffix;
        private final String usage;

        Envelope(String id, long createdAt, String model, JsonNode root, String usage) {
            StringBuilder prefix = new StringBuilder(256).append("{\"id\":\"").append(id);
            prefix.append("\",\"object\":\"response\",\"created_at\":")
                    .append(createdAt)
                    .append(",\"status\":\"");
            this.prefix = prefix.toString();
            StringBuilder middle = new StringBuilder(256)
                    .append("\",\"background\":false,\"error\":null,\"incomplete_details\":null,\"instructions\":");
            JsonText.quote(middle, Nodes.text(root.get("instructions"))).append(",\"max_output_tokens\":");
            middle.append(
                    Nodes.integer(root.get("max_output_tokens"), -1) < 0
                            ? "null"
                            : Integer.toString(Nodes.integer(root.get("max_output_tokens"), 0)));
            middle.append(",\"model\":");
            JsonText.quote(middle, model).append(",\"output\":");
            this.middle = middle.toString();
            JsonNode tools = root.get("tools");
            JsonNode toolChoice = root.get("tool_choice");
            StringBuilder suffix =
                    new StringBuilder(256).append(",\"parallel_tool_calls\":true,\"previous_response_id\":");
            JsonText.quote(suffix, Nodes.text(root.get("previous_response_id")));
            suffix.append(",\"reasoning\":{\"effort\":null,\"summary\":null},\"store\":")
                    .append(Nodes.bool(root.get("store"), true));
            suffix.append(",\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":")
                    .append(toolChoice == null ? "\"auto\"" : toolChoice.toString());
            suffix.append(",\"tools\":").append(tools != null && tools.isArray() ? tools.toString() : "[]");
            suffix.append(",\"top_p\":1.0,\"truncation\":\"disabled\",\"usage\":");
            this.suffix = suffix.toString();
            this.usage = usage;
        }

        String response(String status, String output, boolean withUsage) {
            return prefix + status + middle + output + suffix + (withUsage ? usage : "null")
                    + ",\"user\":null,\"metadata\":{}}";
        }
    }

    /** Typed SSE events with their running {@code sequence_number}. */
    private static final class Events {

        private final List<byte[]> list = new ArrayList<>();

        void add(String type, CharSequence fields) {
            StringBuilder out = new StringBuilder(type.length() * 2 + fields.length() + 64);
            out.append("event: ").append(type).append("\ndata: {\"type\":\"").append(type);
            out.append("\",\"sequence_number\":")
                    .append(list.size())
                    .append(',')
                    .append(fields)
                    .append("}\n\n");
            list.add(JsonText.utf8(out));
        }
    }
}
