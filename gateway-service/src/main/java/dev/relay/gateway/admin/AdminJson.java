package dev.relay.gateway.admin;

import dev.relay.gateway.config.ConfigException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Strict JSON for the admin API: request bodies are read as trees and checked field by field (unknown fields,
 * duplicate fields and wrong types are 400s naming the field; {@code null} means absent), so error messages never echo
 * request values. Responses are written with the same mapper, independent of any global Jackson settings.
 */
final class AdminJson {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private AdminJson() {}

    static byte[] write(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    /** Refuses a non-JSON Content-Type (415). A missing one is accepted only without a body. */
    static void requireJson(ServerHttpRequest request, byte[] body) {
        MediaType type = request.getHeaders().getContentType();
        if (type == null) {
            if (body != null && body.length > 0) {
                throw new AdminException(AdminError.unsupportedMediaType("Content-Type must be application/json"));
            }
            return;
        }
        boolean json = type.isCompatibleWith(MediaType.APPLICATION_JSON)
                || ("application".equals(type.getType()) && type.getSubtype().endsWith("+json"));
        if (!json) {
            throw new AdminException(AdminError.unsupportedMediaType(
                    "Content-Type must be application/json (was " + type.getType() + "/" + type.getSubtype() + ")"));
        }
    }

    /** The request body as a JSON object; {@code required = false} turns an empty body into {@code {}}. */
    static ObjectNode object(ServerHttpRequest request, byte[] body, boolean required) {
        requireJson(request, body);
        if (body == null || body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            if (required) {
                throw ConfigException.invalid("missing_body", null, "a JSON object body is required");
            }
            return MAPPER.createObjectNode();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JacksonException ex) {
            String where = ex.getLocation() == null
                    ? ""
                    : " (line " + ex.getLocation().getLineNr() + ", column "
                            + ex.getLocation().getColumnNr() + ")";
            String what =
                    ex.getOriginalMessage() != null && ex.getOriginalMessage().startsWith("Duplicate")
                            ? "the body has a duplicate field"
                            : "the body is not valid JSON";
            throw ConfigException.invalid("invalid_json", null, what + where);
        }
        if (node == null || !node.isObject()) {
            throw ConfigException.invalid("invalid_json", null, "the body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /** 400 for any field that is neither writable nor read-only (read-only fields are ignored). */
    static void rejectUnknown(ObjectNode body, Set<String> writable, Set<String> readOnly, String prefix) {
        for (String name : body.propertyNames()) {
            if (!writable.contains(name) && !readOnly.contains(name)) {
                throw ConfigException.invalid("unknown_field", prefix + name, "unknown field '" + prefix + name + "'");
            }
        }
    }

    /** JSON Merge Patch (RFC 7386): objects merge recursively, {@code null} removes, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            return patch;
        }
        ObjectNode result =
                target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }

    private static JsonNode present(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n;
    }

    static String string(ObjectNode o, String field) {
        JsonNode n = present(o, field);
        if (n == null) {
            return null;
        }
        if (!n.isString()) {
            throw ConfigException.invalid(field, field + " must be a string");
        }
        return n.stringValue();
    }

    static Integer integer(ObjectNode o, String field) {
        JsonNode n = present(o, field);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw ConfigException.invalid(field, field + " must be an integer");
        }
        return n.intValue();
    }

    static int integer(ObjectNode o, String field, int fallback) {
        Integer v = integer(o, field);
        return v == null ? fallback : v;
    }

    static Boolean bool(ObjectNode o, String field, String param) {
        JsonNode n = present(o, field);
        if (n == null) {
            return null;
        }
        if (!n.isBoolean()) {
            throw ConfigException.invalid(param, param + " must be true or false");
        }
        return n.booleanValue();
    }

    static List<String> strings(ObjectNode o, String field) {
        JsonNode n = present(o, field);
        if (n == null) {
            return null;
        }
        if (!n.isArray()) {
            throw ConfigException.invalid(field, field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode item : n.values()) {
            if (!item.isString()) {
                throw ConfigException.invalid(field, field + " must be an array of strings");
            }
            out.add(item.stringValue());
        }
        return out;
    }

    static Map<String, String> stringMap(ObjectNode o, String field) {
        JsonNode n = present(o, field);
        if (n == null) {
            return null;
        }
        if (!n.isObject()) {
            throw ConfigException.invalid(field, field + " must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isString()) {
                throw ConfigException.invalid(field, field + "." + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().stringValue());
        }
        return out;
    }

    static ObjectNode object(ObjectNode o, String field) {
        JsonNode n = present(o, field);
        if (n == null) {
            return null;
        }
        if (!n.isObject()) {
            throw ConfigException.invalid(field, field + " must be an object");
        }
        return (ObjectNode) n;
    }

    static Instant instant(ObjectNode o, String field) {
        String s = string(o, field);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s.strip());
        } catch (DateTimeParseException ex) {
            throw ConfigException.invalid(
                    field, field + " must be an ISO-8601 instant with offset, e.g. 2030-01-01T00:00:00Z");
        }
    }

    static <E extends Enum<E>> E enumValue(ObjectNode o, String field, Class<E> type) {
        return parseEnum(string(o, field), field, type);
    }

    static <E extends Enum<E>> E parseEnum(String s, String param, Class<E> type) {
        if (s == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            List<String> allowed = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                allowed.add(e.name());
            }
            throw ConfigException.invalid(param, param + " must be one of " + allowed);
        }
    }
}
