package dev.relay.gateway.wire;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * The one reader of upstream {@code usage} objects, for every client API and protocol, so a request's tokens are
 * metered the same whatever translation it went through. Two entry points share one field table: {@link #fromBody}
 * streams over bytes without building a tree (the hot path of same-protocol relays); {@link #fromUsage} reads a
 * usage object a translator has already parsed.
 *
 * <p>The shapes it knows (figures stay in the upstream protocol's own terms: OpenAI's prompt tokens include cached
 * ones, Anthropic's input tokens exclude them):
 *
 * <ul>
 *   <li>OpenAI Chat / Embeddings: {@code prompt_tokens}, {@code completion_tokens}, {@code
 *       prompt_tokens_details.cached_tokens} (also Qwen/DashScope, GLM, MiniMax, vLLM, OpenRouter);
 *   <li>OpenAI Responses: {@code input_tokens}, {@code output_tokens}, {@code input_tokens_details.cached_tokens};
 *   <li>DeepSeek: {@code prompt_cache_hit_tokens} (when no {@code prompt_tokens_details.cached_tokens} is given);
 *   <li>Moonshot / Kimi: a top-level {@code cached_tokens};
 *   <li>Anthropic: {@code input_tokens}, {@code output_tokens}, {@code cache_read_input_tokens}, {@code
 *       cache_creation_input_tokens}.
 * </ul>
 */
public final class UsageReader {

    private UsageReader() {}

    /**
     * The top-level {@code usage} of a response body, or of the {@code response} object a Responses API stream event
     * nests it in. Null when absent or unreadable.
     */
    public static TokenUsage fromBody(byte[] b, int offset, int length) {
        try (JsonParser p = JsonScan.parser(b, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("usage".equals(name) && v == JsonToken.START_OBJECT) {
                    return read(p);
                }
                if ("response".equals(name) && v == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String inner = p.currentName();
                        JsonToken iv = p.nextToken();
                        if ("usage".equals(inner) && iv == JsonToken.START_OBJECT) {
                            return read(p);
                        }
                        p.skipChildren();
                    }
                    continue;
                }
                p.skipChildren();
            }
            return null;
        } catch (RuntimeException ex) {
            return null;
        }
    }

    /** A usage object already parsed; null when it is absent or not an object. */
    public static TokenUsage fromUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        Fields f = new Fields();
        for (Map.Entry<String, JsonNode> e : usage.properties()) {
            JsonNode v = e.getValue();
            if (v.isObject()) {
                for (Map.Entry<String, JsonNode> d : v.properties()) {
                    if (d.getValue().isNumber()) {
                        f.detail(e.getKey(), d.getKey(), d.getValue().asLong(0));
                    }
                }
            } else if (v.isNumber()) {
                f.field(e.getKey(), v.asLong(0));
            }
        }
        return f.usage();
    }

    private static TokenUsage read(JsonParser p) {
        Fields f = new Fields();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String d = p.currentName();
                    JsonToken dv = p.nextToken();
                    if (dv.isNumeric()) {
                        f.detail(name, d, p.getLongValue());
                    } else {
                        p.skipChildren();
                    }
                }
            } else if (v.isNumeric()) {
                f.field(name, p.getLongValue());
            } else {
                p.skipChildren();
            }
        }
        return f.usage();
    }

    /** The field table both entry points feed. */
    private static final class Fields {
        long prompt;
        long completion;
        long cacheWrite;
        Long detailsCached;
        Long anthropicCached;
        Long vendorCached;

        void field(String name, long value) {
            switch (name) {
                case "prompt_tokens", "input_tokens" -> prompt = value;
                case "completion_tokens", "output_tokens" -> completion = value;
                case "cache_read_input_tokens" -> anthropicCached = value;
                case "cache_creation_input_tokens" -> cacheWrite = value;
                case "prompt_cache_hit_tokens", "cached_tokens" -> vendorCached = value; // DeepSeek; Kimi
                default -> {}
            }
        }

        void detail(String object, String name, long value) {
            if ((object.equals("prompt_tokens_details") || object.equals("input_tokens_details"))
                    && name.equals("cached_tokens")) {
                detailsCached = value;
            }
        }

        TokenUsage usage() {
            long cached = anthropicCached != null
                    ? anthropicCached
                    : detailsCached != null ? detailsCached : vendorCached != null ? vendorCached : 0;
            return new TokenUsage(prompt, completion, cached, cacheWrite, false);
        }
    }
}
