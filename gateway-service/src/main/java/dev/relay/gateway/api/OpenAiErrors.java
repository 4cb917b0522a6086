package dev.relay.gateway.api;

import java.nio.charset.StandardCharsets;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Error bodies in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}. */
public final class OpenAiErrors {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OpenAiErrors() {}

    public static byte[] body(String message, String type, String param, String code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return JSON.writeValueAsBytes(root);
    }

    /** An SSE event carrying an error, sent when a stream fails after its first byte. */
    public static byte[] streamEvent(String message, String type, String code) {
        byte[] json = body(message, type, null, code);
        byte[] out = new byte[json.length + 8];
        byte[] prefix = "data: ".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(json, 0, out, prefix.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }
}
