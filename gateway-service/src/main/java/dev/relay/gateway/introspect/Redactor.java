package dev.relay.gateway.introspect;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes request and response bodies safe to show to an operator: secrets (key-like tokens, fields named like
 * credentials) become {@code [redacted]}, data-URL and base64 images keep only their media type and size, tool
 * arguments and other long strings are truncated. Works on JSON bodies and, line by line, on SSE transcripts. Pure.
 */
public final class Redactor {

    static final int MAX_STRING = 2000;
    static final int MAX_TOOL_ARGUMENTS = 256;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern KEY_LIKE = Pattern.compile("\\b(?:sk|sk-ant|rk|key|ak|adm|rly)-[A-Za-z0-9_\\-*.]{6,}");
    private static final Pattern DATA_URL =
            Pattern.compile("data:([a-zA-Z0-9.+/-]+)(?:;[A-Za-z0-9_.+-]+=[^;,\"\\s]*)*;base64,[A-Za-z0-9+/=]+");
    private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._\\-+/=]{6,}");
    /** {@code scheme://user:password@} in a URL: the password goes. */
    private static final Pattern URL_PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/@\\s:]*):[^/@\\s]+@");
    /** {@code password=...}, {@code api_key=...} (query strings, JDBC URLs, JAAS configs): the value goes. */
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)\\b(password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|sslpassword|sig)=(\"?)[^&;\\s\"']+");
    /** A streamed body is kept up to the ring's body limit; this bounds the text shown for it. */
    static final int MAX_TEXT = 64 * 1024;

    private Redactor() {}

    /** A redacted JSON tree of a body, or (when it is not JSON) a redacted, truncated text node. */
    public static JsonNode body(byte[] body) {
        if (body == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && (n.isObject() || n.isArray())) {
                return redact(n, null);
            }
        } catch (RuntimeException ignored) {
            // not JSON: SSE or text
        }
        return JsonNodeFactory.instance.stringNode(truncate(sse(new String(body, StandardCharsets.UTF_8)), MAX_TEXT));
    }

    /**
     * An SSE transcript (or other text), line by line: a {@code data:} line carrying JSON is redacted as JSON (so tool
     * arguments are truncated and credential-named fields dropped there too), every other line as free text.
     */
    static String sse(String transcript) {
        StringBuilder out = new StringBuilder(Math.min(transcript.length(), MAX_TEXT) + 64);
        String[] lines = transcript.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            String line = lines[i];
            if (line.startsWith("data:")) {
                String payload = line.substring(5).strip();
                if (payload.startsWith("{") || payload.startsWith("[")) {
                    try {
                        JsonNode n = JSON.readTree(payload);
                        out.append("data: ").append(JSON.writeValueAsString(redact(n, null)));
                        continue;
                    } catch (RuntimeException notJson) {
                        // a cut-off last event: as text
                    }
                }
            }
            out.append(text(line, MAX_STRING));
            if (out.length() > MAX_TEXT) {
                break;
            }
        }
        return out.toString();
    }

    /**
     * A configuration value or URL: passwords in URLs and {@code key=value} secrets replaced, then everything
     * {@link #text} replaces.
     */
    public static String value(String s, int max) {
        if (s == null) {
            return null;
        }
        String r = URL_PASSWORD.matcher(s).replaceAll("$1:[redacted]@");
        r = SECRET_ASSIGNMENT.matcher(r).replaceAll("$1=$2[redacted]");
        return text(r, max);
    }

    /** Redacted header values: credentials never shown. */
    public static ObjectNode headers(Map<String, String> headers) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        headers.forEach((k, v) -> o.put(k, sensitiveName(k) ? "[redacted]" : text(v, 512)));
        return o;
    }

    /** Free text: secrets and data URLs replaced, then truncated to {@code max} characters. */
    public static String text(String s, int max) {
        if (s == null) {
            return null;
        }
        String r = DATA_URL.matcher(s)
                .replaceAll(m -> "data:" + m.group(1) + ";base64,[" + m.group().length() + " chars redacted]");
        r = BEARER.matcher(r).replaceAll("Bearer [redacted]");
        r = KEY_LIKE.matcher(r).replaceAll("[redacted]");
        return truncate(r, max);
    }

    private static JsonNode redact(JsonNode n, String field) {
        if (n.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            boolean imageSource = "base64".equals(n.path("type").asString(null)) && n.has("data");
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                String k = e.getKey();
                JsonNode v = e.getValue();
                if (sensitiveName(k)) {
                    out.put(k, "[redacted]");
                } else if (imageSource && k.equals("data") && v.isString()) {
                    out.put(k, "[" + v.asString().length() + " base64 chars redacted]");
                } else if (isToolArguments(k) && (v.isString() || v.isObject())) {
                    String s = v.isString() ? v.asString() : JSON.writeValueAsString(v);
                    out.put(k, text(s, MAX_TOOL_ARGUMENTS));
                } else {
                    out.set(k, redact(v, k));
                }
            }
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            n.values().forEach(v -> out.add(redact(v, field)));
            return out;
        }
        if (n.isString()) {
            return JsonNodeFactory.instance.stringNode(text(n.asString(), MAX_STRING));
        }
        return n;
    }

    private static boolean isToolArguments(String k) {
        return k.equals("arguments") || k.equals("input") || k.equals("partial_json");
    }

    /**
     * Whether a header or JSON field name denotes a secret: any {@code *authorization} header ({@code
     * Proxy-Authorization} too), {@code *api-key} ({@code x-api-key}, Azure's {@code api-key}, {@code x-goog-api-key}
     * ...), {@code *_token}, cookies, passwords, secrets, credentials. Token <em>counts</em> ({@code max_tokens},
     * {@code input_tokens}...) are not secrets.
     */
    static boolean sensitiveName(String name) {
        String k = name.toLowerCase(Locale.ROOT).replace("-", "_");
        if (k.contains("tokens") || k.endsWith("max_token")) {
            return false;
        }
        return k.contains("authorization")
                || k.endsWith("api_key")
                || k.endsWith("apikey")
                || k.endsWith("access_key")
                || k.endsWith("private_key")
                || k.endsWith("subscription_key")
                || k.equals("master_key")
                || k.contains("credential")
                || k.contains("password")
                || k.contains("secret")
                || k.equals("token")
                || k.endsWith("_token")
                || k.contains("cookie");
    }

    private static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "…[truncated " + (s.length() - max) + " chars]";
    }
}
