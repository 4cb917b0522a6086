package dev.relay.gateway.api;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Re-shapes an error body for the client's API: an OpenAI client never sees Anthropic's error shape and an Anthropic
 * client never sees OpenAI's, whichever upstream (or the gateway itself) produced the error. The message is kept.
 * Pure.
 */
public final class ErrorShapes {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ErrorShapes() {}

    /** An error body in Anthropic's shape ({@code {"type":"error","error":{type,message}}}). */
    public static byte[] toAnthropic(int status, byte[] body) {
        JsonNode n = parse(body);
        if (n != null
                && "error".equals(n.path("type").asString(null))
                && n.path("error").isObject()) {
            return body; // already Anthropic's
        }
        return AnthropicErrors.body(AnthropicErrors.typeFor(status), message(n, status));
    }

    /** An error body in OpenAI's shape ({@code {"error":{message,type,param,code}}}). */
    public static byte[] toOpenAi(int status, byte[] body) {
        JsonNode n = parse(body);
        if (n == null) {
            return OpenAiErrors.body(message(null, status), openAiType(status), null, "upstream_error");
        }
        JsonNode e = n.path("error");
        if (e.isObject() && !"error".equals(n.path("type").asString(null))) {
            return body; // already OpenAI's
        }
        String anthropicType = e.path("type").asString(null);
        return OpenAiErrors.body(message(n, status), openAiType(status), null, anthropicType);
    }

    private static String openAiType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    private static String message(JsonNode n, int status) {
        if (n != null) {
            JsonNode e = n.path("error");
            if (e.isObject() && e.path("message").isString()) {
                return e.path("message").asString();
            }
            if (e.isString()) {
                return e.asString();
            }
            if (n.path("message").isString()) {
                return n.path("message").asString();
            }
            if (n.path("detail").isString()) {
                return n.path("detail").asString(); // FastAPI-style vendors (vLLM, LiteLLM...)
            }
        }
        return "upstream rejected the request (" + status + ")";
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(body);
            return n.isObject() ? n : null;
        } catch (RuntimeException ex) {
            return null;
        }
    }
}
