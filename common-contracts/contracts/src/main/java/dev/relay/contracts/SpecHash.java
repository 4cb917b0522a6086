package dev.relay.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one canonical spec hash of a managed resource, computed over the edge admin API's <em>read</em> form (the
 * credential as its fingerprint, defaults filled in), so the service that applies a resource and the one that later
 * compares it with the host compute the same value. Fields that are runtime state or identity, not spec ({@link
 * #NOT_SPEC}: ids, versions, timestamps, status and its reason, derived read-only fields), are left out; the rest is
 * serialised canonically (object keys sorted, no whitespace, numbers as JSON writes them) and hashed with SHA-256.
 */
public final class SpecHash {

    /** Read-form fields that are not spec: identity, concurrency, timestamps, runtime status, derived values. */
    public static final Set<String> NOT_SPEC = Set.of(
            "id",
            "version",
            "createdAt",
            "updatedAt",
            "status",
            "statusReason",
            "statusUntil",
            "apiBase",
            "keyPrefix",
            "credential",
            "key");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SpecHash() {}

    /** The hash (64 hex characters) of a resource's read form, e.g. a channel as {@code GET /admin/v1/channels/{id}}. */
    public static String of(JsonNode readForm) {
        if (readForm == null || !readForm.isObject()) {
            throw new IllegalArgumentException("a resource's read form is a JSON object");
        }
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        readForm.properties().forEach(e -> {
            if (!NOT_SPEC.contains(e.getKey())) {
                spec.set(e.getKey(), e.getValue());
            }
        });
        return sha256(JSON.writeValueAsString(canonical(spec)));
    }

    /** The read form's JSON text, as {@link #of(JsonNode)} on its parse. */
    public static String of(String readFormJson) {
        return of(JSON.readTree(readFormJson));
    }

    /** The same value with every object's keys sorted (arrays keep their order: order is meaning there). */
    static JsonNode canonical(JsonNode n) {
        if (n.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            n.properties().forEach(e -> sorted.put(e.getKey(), canonical(e.getValue())));
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            sorted.forEach(o::set);
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            n.values().forEach(v -> a.add(canonical(v)));
            return a;
        }
        if (n.isNumber() && n.isIntegralNumber() && n.canConvertToLong()) {
            return JsonNodeFactory.instance.numberNode(n.longValue());
        }
        return n;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
