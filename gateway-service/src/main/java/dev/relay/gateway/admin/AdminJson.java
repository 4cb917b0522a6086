package dev.relay.gateway.admin;

import dev.relay.gateway.config.ConfigException;
import dev.relay.gateway.config.SpecJson;
import java.time.Instant;
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
 * request values; a channel, group or key body is read by {@link SpecJson} from its spec record's components.
 * Responses are written with the same mapper, independent of any global Jackson settings.
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

    /** The row state every resource's response carries after its spec fields. */
    static ObjectNode putRowState(ObjectNode view, long version, Instant createdAt, Instant updatedAt) {
        return view.put("version", version)
                .put("createdAt", createdAt.toString())
                .put("updatedAt", updatedAt.toString());
    }

    static String string(ObjectNode o, String field) {
        return SpecJson.string(o.get(field), field);
    }

    static Instant instant(ObjectNode o, String field) {
        return SpecJson.instant(o.get(field), field);
    }

    static <E extends Enum<E>> E parseEnum(String s, String param, Class<E> type) {
        return SpecJson.parseEnum(s, param, type);
    }
}
