package dev.relay.gateway.proxy;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/** Reads OpenAI-style {@code usage} objects without building a tree. */
final class Usage {

    private Usage() {}

    /**
     * Reads the top-level {@code usage} of a chat completion / embeddings / responses body (OpenAI names
     * {@code prompt_tokens}/{@code completion_tokens} or Responses names {@code input_tokens}/{@code output_tokens},
     * cached tokens from {@code *_tokens_details.cached_tokens}). Null when absent.
     */
    static TokenUsage fromBody(byte[] b, int offset, int length) {
        try (JsonParser p = JsonScan.parser(b, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("usage".equals(name) && v == JsonToken.START_OBJECT) {
                    return readUsageObject(p);
                }
                if ("response".equals(name) && v == JsonToken.START_OBJECT) {
                    // Responses API stream events nest the response object
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String inner = p.currentName();
                        JsonToken iv = p.nextToken();
                        if ("usage".equals(inner) && iv == JsonToken.START_OBJECT) {
                            return readUsageObject(p);
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

    private static TokenUsage readUsageObject(JsonParser p) {
        long prompt = 0;
        long completion = 0;
        long cached = 0;
        long cacheWrite = 0;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "prompt_tokens", "input_tokens" -> prompt = v.isNumeric() ? p.getLongValue() : 0;
                case "completion_tokens", "output_tokens" -> completion = v.isNumeric() ? p.getLongValue() : 0;
                case "prompt_tokens_details", "input_tokens_details" -> {
                    if (v == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                            String d = p.currentName();
                            JsonToken dv = p.nextToken();
                            if ("cached_tokens".equals(d) && dv.isNumeric()) {
                                cached = p.getLongValue();
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                }
                case "cache_read_input_tokens" -> cached = v.isNumeric() ? p.getLongValue() : cached;
                case "cache_creation_input_tokens" -> cacheWrite = v.isNumeric() ? p.getLongValue() : 0;
                default -> p.skipChildren();
            }
        }
        return new TokenUsage(prompt, completion, cached, cacheWrite, false);
    }
}
