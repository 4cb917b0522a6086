package dev.relay.gateway.translate;

import dev.relay.gateway.wire.JsonScan;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Image input for text-only channels: instead of failing upstream, every image becomes the text part
 * {@value #PLACEHOLDER}, so the model at least knows an image was there. Pure: bytes in, bytes out; a body without
 * images (or one that is not JSON) is returned as the same array.
 */
public final class ImageFallback {

    /** What an image degrades to. */
    public static final String PLACEHOLDER = "[image]";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] IMAGE_URL = "\"image_url\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IMAGE = "\"image\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IMAGE_WORD = "image".getBytes(StandardCharsets.US_ASCII);

    private ImageFallback() {}

    /** OpenAI chat body: every {@code image_url} content part → {@code {"type":"text","text":"[image]"}}. */
    public static byte[] chat(byte[] chatBody) {
        if (chatBody == null || indexOf(chatBody, IMAGE_URL) < 0) {
            return chatBody;
        }
        JsonNode root = parse(chatBody);
        if (root == null || !replaceChatImages(root.path("messages"))) {
            return chatBody;
        }
        return JSON.writeValueAsBytes(root);
    }

    /**
     * Anthropic Messages body: every {@code image} block (also inside {@code tool_result} content) →
     * {@code {"type":"text","text":"[image]"}}.
     */
    public static byte[] messages(byte[] messagesBody) {
        if (messagesBody == null || indexOf(messagesBody, IMAGE) < 0) {
            return messagesBody;
        }
        JsonNode root = parse(messagesBody);
        if (root == null) {
            return messagesBody;
        }
        boolean changed = false;
        for (JsonNode message : root.path("messages").values()) {
            changed |= replaceAnthropicImages(message.get("content"));
        }
        return changed ? JSON.writeValueAsBytes(root) : messagesBody;
    }

    /**
     * Whether a chat or Messages body carries image input anywhere in its messages: OpenAI {@code image_url} /
     * {@code input_image} parts, Anthropic {@code image} blocks (also inside {@code tool_result} content). A byte scan
     * first; the parse only runs on a hit, so a body without the word costs one pass over its bytes.
     */
    public static boolean hasImages(byte[] body) {
        if (body == null || indexOf(body, IMAGE_WORD) < 0) {
            return false;
        }
        JsonNode root = parse(body);
        return root != null && (containsImage(root.path("messages")) || containsImage(root.path("input")));
    }

    private static boolean containsImage(JsonNode n) {
        if (n.isObject()) {
            String type = n.path("type").isString() ? n.path("type").stringValue() : "";
            if (type.equals("image") || type.equals("image_url") || type.equals("input_image")) {
                return true;
            }
        }
        if (n.isObject() || n.isArray()) {
            for (JsonNode v : n.values()) {
                if (containsImage(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean replaceChatImages(JsonNode messages) {
        boolean changed = false;
        for (JsonNode message : messages.values()) {
            if (message.get("content") instanceof ArrayNode content) {
                for (int i = 0; i < content.size(); i++) {
                    if (isChatImage(content.get(i))) {
                        content.set(i, placeholder());
                        changed = true;
                    }
                }
            }
        }
        return changed;
    }

    private static boolean replaceAnthropicImages(JsonNode content) {
        if (!(content instanceof ArrayNode blocks)) {
            return false;
        }
        boolean changed = false;
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode block = blocks.get(i);
            String type = block.path("type").isString() ? block.path("type").stringValue() : "";
            if (type.equals("image")) {
                blocks.set(i, placeholder());
                changed = true;
            } else if (type.equals("tool_result")) {
                changed |= replaceAnthropicImages(block.get("content"));
            }
        }
        return changed;
    }

    private static boolean isChatImage(JsonNode part) {
        return part.isObject()
                && part.path("type").isString()
                && part.path("type").stringValue().equals("image_url");
    }

    private static ObjectNode placeholder() {
        ObjectNode text = JSON.createObjectNode();
        text.put("type", "text");
        text.put("text", PLACEHOLDER);
        return text;
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            return root != null && root.isObject() ? root : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        return JsonScan.indexOf(haystack, 0, haystack.length, needle);
    }
}
