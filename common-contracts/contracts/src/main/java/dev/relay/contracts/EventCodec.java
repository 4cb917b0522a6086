package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON form of {@link EventEnvelope}. Types are written and read by their stable wire names; unknown fields inside a
 * known schema version are ignored (additive changes), a missing required field or an unknown type fails loudly with
 * {@link MalformedEventException}.
 */
public final class EventCodec {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private EventCodec() {}

    /** The mapper used for event payloads, for callers that embed event data in other JSON. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * The envelope as compact JSON, written in one pass with a streaming generator (no intermediate tree: this runs
     * once per request on the edge's metering path). Byte for byte what {@code toTree(envelope).toString()} gives.
     */
    public static String toJson(EventEnvelope e) {
        java.io.StringWriter out = new java.io.StringWriter(512);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("id", e.id().toString());
            g.writeStringProperty("type", e.type().wireName());
            g.writeNumberProperty("schemaVersion", e.schemaVersion());
            g.writeStringProperty("occurredAt", e.occurredAt().toString());
            g.writeStringProperty("aggregateType", e.aggregateType().wireName());
            g.writeStringProperty("aggregateId", e.aggregateId());
            g.writeStringProperty("runId", e.runId() == null ? null : e.runId().toString());
            g.writeStringProperty(
                    "itemId", e.itemId() == null ? null : e.itemId().toString());
            g.writeStringProperty("traceparent", e.traceparent());
            g.writePOJOProperty("data", e.data());
            g.writeEndObject();
        }
        return out.toString();
    }

    public static ObjectNode toTree(EventEnvelope e) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", e.id().toString());
        node.put("type", e.type().wireName());
        node.put("schemaVersion", e.schemaVersion());
        node.put("occurredAt", e.occurredAt().toString());
        node.put("aggregateType", e.aggregateType().wireName());
        node.put("aggregateId", e.aggregateId());
        node.put("runId", e.runId() == null ? null : e.runId().toString());
        node.put("itemId", e.itemId() == null ? null : e.itemId().toString());
        node.put("traceparent", e.traceparent());
        node.set("data", MAPPER.valueToTree(e.data()));
        return node;
    }

    public static EventEnvelope fromJson(String json) {
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("empty event");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JacksonException ex) {
            throw new MalformedEventException("event is not JSON: " + ex.getOriginalMessage(), ex);
        }
        if (!node.isObject()) {
            throw new MalformedEventException("event is not a JSON object");
        }
        EventType type = typeOf(text(node, "type", true));
        int schemaVersion = node.path("schemaVersion").asInt(0);
        if (schemaVersion < 1 || schemaVersion > type.schemaVersion()) {
            throw new MalformedEventException("unsupported schemaVersion " + schemaVersion + " for " + type
                    + " (supported: 1.." + type.schemaVersion() + ")");
        }
        JsonNode dataNode = node.get("data");
        if (dataNode == null || !dataNode.isObject()) {
            throw new MalformedEventException(type + ": missing data object");
        }
        RelayEvent data = readData(type, dataNode);
        try {
            return new EventEnvelope(
                    uuid(node, "id", true),
                    type,
                    schemaVersion,
                    Instant.parse(text(node, "occurredAt", true)),
                    data.eventType().aggregateType(),
                    text(node, "aggregateId", true),
                    uuid(node, "runId", false),
                    uuid(node, "itemId", false),
                    text(node, "traceparent", false),
                    data);
        } catch (RuntimeException ex) {
            if (ex instanceof MalformedEventException m) {
                throw m;
            }
            throw new MalformedEventException(type + ": bad envelope: " + ex.getMessage(), ex);
        }
    }

    private static RelayEvent readData(EventType type, JsonNode dataNode) {
        try {
            return MAPPER.treeToValue(dataNode, type.recordType());
        } catch (JacksonException ex) {
            throw new MalformedEventException(type + ": cannot read data: " + ex.getOriginalMessage(), ex);
        } catch (RuntimeException ex) {
            // record constructors validate (e.g. List.copyOf on a null list)
            throw new MalformedEventException(type + ": invalid data: " + ex, ex);
        }
    }

    public static EventType typeOf(String wireName) {
        return EventType.fromWireName(wireName)
                .orElseThrow(() -> new MalformedEventException("unknown event type '" + wireName + "'"));
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new MalformedEventException("missing envelope field '" + field + "'");
            }
            return null;
        }
        return v.asString();
    }

    private static UUID uuid(JsonNode node, String field, boolean required) {
        String s = text(node, field, required);
        try {
            return s == null ? null : UUID.fromString(s);
        } catch (IllegalArgumentException ex) {
            throw new MalformedEventException("envelope field '" + field + "' is not a UUID: " + s, ex);
        }
    }
}
