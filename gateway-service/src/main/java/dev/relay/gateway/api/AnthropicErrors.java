package dev.relay.gateway.api;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Error bodies in Anthropic's shape: {@code {"type":"error","error":{"type":...,"message":...}}}, with the error type
 * Anthropic uses for each HTTP status.
 */
public final class AnthropicErrors {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AnthropicErrors() {}

    public static byte[] body(String type, String message) {
        return JSON.writeValueAsBytes(node(type, message));
    }

    public static ObjectNode node(String type, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "error");
        ObjectNode e = root.putObject("error");
        e.put("type", type);
        e.put("message", message);
        return root;
    }

    /** Anthropic's error type for an HTTP status. */
    public static String typeFor(int status) {
        return switch (status) {
            case 400, 405, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** An SSE {@code event: error} sent when a stream fails after its first byte. */
    public static byte[] streamEvent(String type, String message) {
        return ("event: error\ndata: " + JSON.writeValueAsString(node(type, message)) + "\n\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
