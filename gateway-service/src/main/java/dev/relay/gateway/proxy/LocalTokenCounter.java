package dev.relay.gateway.proxy;

import dev.relay.gateway.translate.AnthropicOverOpenAi;
import dev.relay.gateway.wire.BadRequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code count_tokens} for models without an Anthropic channel: the Messages request is translated to the Chat
 * Completions request it would become, and counted with a real BPE tokenizer (o200k_base) using OpenAI's chat
 * accounting: 3 tokens per message plus its role and content, 1 per name, 3 to prime the reply; tool definitions and
 * tool-call arguments are counted as their JSON text; an image as 85 tokens (a low-detail tile). An estimate of the
 * upstream's own tokenizer, never a characters÷4 guess. Pure apart from the tokenizer.
 */
public final class LocalTokenCounter {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PER_MESSAGE = 3;
    private static final int PER_IMAGE = 85;

    private LocalTokenCounter() {}

    public static long countMessagesRequest(byte[] messagesBody, TokenEstimator tokenizer) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(messagesBody);
        } catch (RuntimeException ex) {
            throw new BadRequestException("malformed JSON body", null);
        }
        if (!(parsed instanceof ObjectNode o)) {
            throw new BadRequestException("request body must be a JSON object", null);
        }
        if (!o.has("max_tokens")) {
            o.put("max_tokens", 1); // count_tokens requests carry none; the translator requires one
        }
        o.remove("stream");
        String model = o.path("model").asString("model");
        return countChat(AnthropicOverOpenAi.requestTree(o, model), tokenizer);
    }

    static long countChat(JsonNode chat, TokenEstimator tokenizer) {
        long total = 3; // every reply is primed with <|start|>assistant<|message|>
        for (JsonNode m : chat.path("messages").values()) {
            total += PER_MESSAGE + tokenizer.count(m.path("role").asString(""));
            JsonNode content = m.path("content");
            if (content.isString()) {
                total += tokenizer.count(content.asString());
            } else if (content.isArray()) {
                for (JsonNode part : content.values()) {
                    String type = part.path("type").asString("");
                    if (type.equals("text")) {
                        total += tokenizer.count(part.path("text").asString(""));
                    } else if (type.equals("image_url")) {
                        total += PER_IMAGE;
                    }
                }
            }
            if (m.has("name")) {
                total += 1 + tokenizer.count(m.path("name").asString(""));
            }
            for (JsonNode call : m.path("tool_calls").values()) {
                total += tokenizer.count(call.path("function").path("name").asString(""))
                        + tokenizer.count(
                                call.path("function").path("arguments").asString(""));
            }
        }
        JsonNode tools = chat.path("tools");
        if (tools.isArray() && !tools.isEmpty()) {
            total += tokenizer.count(JSON.writeValueAsString(tools));
        }
        return total;
    }
}
