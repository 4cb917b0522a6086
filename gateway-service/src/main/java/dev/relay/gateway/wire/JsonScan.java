package dev.relay.gateway.wire;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/** Byte-level JSON helpers shared by the pure inspectors: offsets of string tokens inside a UTF-8 byte array. */
public final class JsonScan {

    static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonScan() {}

    public static JsonParser parser(byte[] bytes, int offset, int length) {
        return FACTORY.createParser(ObjectReadContext.empty(), bytes, offset, length);
    }

    /** Exclusive end of the JSON string token whose opening quote is at {@code start}. */
    public static int stringEnd(byte[] b, int start, int limit) {
        for (int i = start + 1; i < limit; i++) {
            if (b[i] == '\\') {
                i++;
            } else if (b[i] == '"') {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("unterminated string at " + start);
    }

    /** Offset (inclusive start, exclusive end) of a top-level string field's token, or null. */
    public static int[] topLevelString(byte[] b, int offset, int length, String field) {
        try (JsonParser p = parser(b, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals(name) && v == JsonToken.VALUE_STRING) {
                    int start = offset + (int) p.currentTokenLocation().getByteOffset();
                    return new int[] {start, stringEnd(b, start, offset + length)};
                }
                p.skipChildren();
            }
            return null;
        } catch (RuntimeException ex) {
            return null;
        }
    }

    /** Index of {@code needle} in {@code hay[from, to)}, or -1. */
    public static int indexOf(byte[] hay, int from, int to, byte[] needle) {
        outer:
        for (int i = from, last = to - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** JSON string literal (with quotes) for a plain value. */
    public static byte[] quoted(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
