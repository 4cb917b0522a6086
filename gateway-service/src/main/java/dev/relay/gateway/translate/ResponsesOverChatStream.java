package dev.relay.gateway.translate;

import static dev.relay.gateway.translate.ResponsesOverChat.JSON;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.translate.ResponsesOverChat.ResponseBuilder;
import dev.relay.gateway.wire.SseBuffer;
import dev.relay.gateway.wire.UsageReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Chat Completions stream ({@code chat.completion.chunk} events, {@code data: [DONE]}) relayed to a Responses API
 * client as the event sequence it expects: {@code response.created} and {@code response.in_progress} with the first
 * upstream event; per output item {@code response.output_item.added}, its deltas and its {@code .done} events, then
 * {@code response.output_item.done}; on {@code [DONE]} {@code response.completed} (or {@code response.incomplete}
 * when the upstream stopped at its token limit) carrying every output item and the usage.
 *
 * <p>Items: reasoning ({@code reasoning_content}/{@code reasoning} deltas) as a {@code reasoning} item with one
 * {@code summary_text} part ({@code response.reasoning_summary_text.delta}); text as a {@code message} item with one
 * {@code output_text} part; each tool call (by its chat index) as a {@code function_call} item ({@code
 * response.function_call_arguments.delta}/{@code .done}), or a {@code custom_tool_call} item for a free-form tool
 * (its input is known only when the call is complete). Text or reasoning closes the items before it; tool calls stay
 * open until the end (chat fragments of parallel calls may interleave). Every event carries a {@code
 * sequence_number} from 0; item ids are stable (derived from the response id).
 *
 * <p>Completion: {@link #completed()} is true only after {@code [DONE]}. An in-stream error object, or {@link
 * #fail}, ends the stream with {@code response.failed} and nothing after it. Pure: bytes in, bytes out.
 */
public final class ResponsesOverChatStream implements StreamTranslator {

    private static final int MAX_DELIVERED_CHARS = 1 << 20;

    /** An open output item. */
    private static final class Item {
        final String id;
        final int index;
        final StringBuilder text = new StringBuilder();

        Item(String id, int index) {
            this.id = id;
            this.index = index;
        }
    }

    private static final class Call {
        final Item item;
        String callId;
        String name;

        Call(Item item) {
            this.item = item;
        }
    }

    private final SseBuffer buffer = new SseBuffer();
    private final ResponseBuilder response;
    private final Map<Integer, ObjectNode> done = new TreeMap<>();
    private final Map<Integer, Call> calls = new TreeMap<>();
    private int nextIndex;
    private int sequence;
    private boolean started;
    private boolean completed;
    private boolean errored;
    private Item reasoning;
    private Item message;
    private String finishReason;
    private JsonNode chatUsage;
    private TokenUsage usage;
    private final StringBuilder delivered = new StringBuilder();

    public ResponsesOverChatStream(
            String publicModel, ResponsesOverChat.Prepared request, String responseId, long createdAt) {
        this.response = new ResponseBuilder(responseId, publicModel, request, createdAt);
    }

    @Override
    public List<byte[]> accept(byte[] upstreamChunk) {
        buffer.append(upstreamChunk);
        List<byte[]> out = new ArrayList<>(4);
        byte[] event;
        while ((event = buffer.nextEvent()) != null) {
            process(event, out);
        }
        return out;
    }

    @Override
    public List<byte[]> finish() {
        byte[] rest = buffer.remainder();
        if (rest == null) {
            return List.of();
        }
        List<byte[]> out = new ArrayList<>(4);
        process(rest, out);
        return out;
    }

    @Override
    public List<byte[]> fail(String message, String code) {
        if (completed || errored) {
            return List.of();
        }
        errored = true;
        List<byte[]> out = new ArrayList<>(2);
        start(out);
        failed(
                code == null ? "server_error" : code,
                message == null || message.isBlank() ? "upstream error" : message,
                out);
        return out;
    }

    @Override
    public boolean completed() {
        return completed;
    }

    @Override
    public boolean erroredInBand() {
        return errored;
    }

    @Override
    public TokenUsage usage() {
        return usage;
    }

    @Override
    public String deliveredText() {
        return delivered.toString();
    }

    // ---------------------------------------------------------------------------------------------------- upstream

    private void process(byte[] event, List<byte[]> out) {
        if (completed || errored) {
            return;
        }
        String data = SseBuffer.data(event);
        if (data == null) {
            return; // comment / keep-alive
        }
        data = data.strip();
        if (data.equals("[DONE]")) {
            start(out);
            end(out);
            return;
        }
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (JacksonException e) {
            return;
        }
        if (chunk == null || !chunk.isObject()) {
            return;
        }
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            errored = true;
            start(out);
            String code = error.path("code").isString() ? error.get("code").stringValue() : "upstream_error";
            failed(code, error.path("message").asString("upstream error"), out);
            return;
        }
        start(out);
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            chatUsage = u;
            usage = UsageReader.fromUsage(u);
        }
        JsonNode choice = chunk.path("choices").path(0);
        if (choice.isMissingNode()) {
            return;
        }
        JsonNode delta = choice.path("delta");
        String thinking = AnthropicOverOpenAi.reasoning(delta);
        if (thinking != null && !thinking.isEmpty()) {
            reasoningDelta(thinking, out);
        }
        JsonNode content = delta.get("content");
        if (content != null && content.isString() && !content.stringValue().isEmpty()) {
            textDelta(content.stringValue(), out);
        }
        for (JsonNode tc : delta.path("tool_calls").values()) {
            toolDelta(tc, out);
        }
        JsonNode finish = choice.get("finish_reason");
        if (finish != null && finish.isString()) {
            finishReason = finish.stringValue();
        }
    }

    private void start(List<byte[]> out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode created = JSON.createObjectNode();
        created.set("response", response.skeleton("in_progress"));
        out.add(event("response.created", created));
        ObjectNode progress = JSON.createObjectNode();
        progress.set("response", response.skeleton("in_progress"));
        out.add(event("response.in_progress", progress));
    }

    private void reasoningDelta(String text, List<byte[]> out) {
        if (reasoning == null) {
            closeMessage(out);
            reasoning = new Item(response.itemId("rs"), nextIndex++);
            out.add(itemAdded(reasoning.index, ResponseBuilder.reasoningItem(reasoning.id, null)));
            ObjectNode part = at(reasoning);
            part.put("summary_index", 0);
            part.putObject("part").put("type", "summary_text").put("text", "");
            out.add(event("response.reasoning_summary_part.added", part));
        }
        reasoning.text.append(text);
        deliver(text);
        ObjectNode d = at(reasoning);
        d.put("summary_index", 0);
        d.put("delta", text);
        out.add(event("response.reasoning_summary_text.delta", d));
    }

    private void textDelta(String text, List<byte[]> out) {
        if (message == null) {
            closeReasoning(out);
            message = new Item(response.itemId("msg"), nextIndex++);
            out.add(itemAdded(message.index, ResponseBuilder.messageItem(message.id, null, "in_progress")));
            ObjectNode part = at(message);
            part.put("content_index", 0);
            part.set("part", ResponseBuilder.textPart(""));
            out.add(event("response.content_part.added", part));
        }
        message.text.append(text);
        deliver(text);
        ObjectNode d = at(message);
        d.put("content_index", 0);
        d.put("delta", text);
        d.putArray("logprobs");
        out.add(event("response.output_text.delta", d));
    }

    private void toolDelta(JsonNode tc, List<byte[]> out) {
        int index = tc.path("index").asInt(calls.size());
        JsonNode f = tc.path("function");
        Call call = calls.get(index);
        if (call == null) {
            closeReasoning(out);
            closeMessage(out);
            call = new Call(new Item(response.itemId("fc"), nextIndex++));
            calls.put(index, call);
            String id = tc.path("id").asString("");
            call.callId = id.isEmpty() ? "call_" + ResponsesOverChat.randomId() : id;
            call.name = f.path("name").asString("");
            out.add(itemAdded(
                    call.item.index, response.callItem(call.item.id, call.callId, call.name, "", "in_progress")));
        } else if (call.name.isEmpty() && f.path("name").isString()) {
            call.name = f.get("name").stringValue();
        }
        String args = f.path("arguments").isString() ? f.get("arguments").stringValue() : "";
        if (args.isEmpty()) {
            return;
        }
        call.item.text.append(args);
        deliver(args);
        if (!response.request.tools().isCustom(call.name)) {
            ObjectNode d = at(call.item);
            d.put("delta", args);
            out.add(event("response.function_call_arguments.delta", d));
        }
    }

    private void closeReasoning(List<byte[]> out) {
        if (reasoning == null) {
            return;
        }
        Item r = reasoning;
        reasoning = null;
        String text = r.text.toString();
        ObjectNode d = at(r);
        d.put("summary_index", 0);
        d.put("text", text);
        out.add(event("response.reasoning_summary_text.done", d));
        ObjectNode p = at(r);
        p.put("summary_index", 0);
        p.putObject("part").put("type", "summary_text").put("text", text);
        out.add(event("response.reasoning_summary_part.done", p));
        itemDone(r.index, ResponseBuilder.reasoningItem(r.id, text), out);
    }

    private void closeMessage(List<byte[]> out) {
        if (message == null) {
            return;
        }
        Item m = message;
        message = null;
        String text = m.text.toString();
        ObjectNode d = at(m);
        d.put("content_index", 0);
        d.put("text", text);
        d.putArray("logprobs");
        out.add(event("response.output_text.done", d));
        ObjectNode p = at(m);
        p.put("content_index", 0);
        p.set("part", ResponseBuilder.textPart(text));
        out.add(event("response.content_part.done", p));
        itemDone(m.index, ResponseBuilder.messageItem(m.id, text, "completed"), out);
    }

    private void closeCalls(List<byte[]> out) {
        for (Call c : calls.values()) {
            String args = c.item.text.isEmpty() ? "{}" : c.item.text.toString();
            ObjectNode item = response.callItem(c.item.id, c.callId, c.name, args, "completed");
            if ("function_call".equals(item.path("type").asString(""))) {
                ObjectNode d = at(c.item);
                d.put("name", item.path("name").asString(""));
                d.put("arguments", args);
                out.add(event("response.function_call_arguments.done", d));
            } else {
                ObjectNode d = at(c.item);
                d.put("delta", item.path("input").asString(""));
                out.add(event("response.custom_tool_call_input.delta", d));
                ObjectNode dd = at(c.item);
                dd.put("input", item.path("input").asString(""));
                out.add(event("response.custom_tool_call_input.done", dd));
            }
            itemDone(c.item.index, item, out);
        }
        calls.clear();
    }

    private void end(List<byte[]> out) {
        closeReasoning(out);
        closeMessage(out);
        closeCalls(out);
        completed = true;
        response.output.clear();
        response.output.addAll(done.values());
        ObjectNode body = response.finished(finishReason, chatUsage);
        ObjectNode e = JSON.createObjectNode();
        e.set("response", body);
        out.add(event(
                "incomplete".equals(body.path("status").asString("")) ? "response.incomplete" : "response.completed",
                e));
    }

    private void failed(String code, String message, List<byte[]> out) {
        ObjectNode r = response.skeleton("failed");
        r.putObject("error").put("code", code).put("message", message);
        var output = r.putArray("output");
        done.values().forEach(output::add);
        ObjectNode e = JSON.createObjectNode();
        e.set("response", r);
        out.add(event("response.failed", e));
    }

    // ------------------------------------------------------------------------------------------------------ events

    private ObjectNode at(Item item) {
        ObjectNode o = JSON.createObjectNode();
        o.put("item_id", item.id);
        o.put("output_index", item.index);
        return o;
    }

    private byte[] itemAdded(int index, ObjectNode item) {
        ObjectNode e = JSON.createObjectNode();
        e.put("output_index", index);
        e.set("item", item);
        return event("response.output_item.added", e);
    }

    private void itemDone(int index, ObjectNode item, List<byte[]> out) {
        done.put(index, item);
        ObjectNode e = JSON.createObjectNode();
        e.put("output_index", index);
        e.set("item", item);
        out.add(event("response.output_item.done", e));
    }

    /** A named event; {@code type} and {@code sequence_number} first, as OpenAI writes them. */
    private byte[] event(String type, ObjectNode fields) {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", type);
        e.put("sequence_number", sequence++);
        e.setAll(fields);
        return SseEvents.named(type, JSON.writeValueAsString(e));
    }

    private void deliver(String text) {
        if (delivered.length() < MAX_DELIVERED_CHARS) {
            delivered.append(text, 0, Math.min(text.length(), MAX_DELIVERED_CHARS - delivered.length()));
        }
    }
}
