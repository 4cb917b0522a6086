package dev.relay.gateway.admin;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.relay.gateway.config.ConfigException;
import dev.relay.gateway.config.KeyRecord;
import dev.relay.gateway.config.KeySpec;
import dev.relay.gateway.config.SpecJson;
import java.time.Instant;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * Client key JSON, through {@link SpecJson} (see {@link ChannelJson}). The plaintext {@code key} appears in one
 * response only: the one that created it. {@code statusReason}/{@code statusUntil} are read-only (set by
 * {@code exhaust} only): a body may carry them and they are ignored.
 */
final class KeyJson {

    /** The response's own fields: accepted in a request and ignored. */
    static final Set<String> READ_ONLY = Set.of("id", "keyPrefix", "version", "createdAt", "updatedAt");

    static final Set<String> EXHAUST_FIELDS = Set.of("reason", "until");

    private KeyJson() {}

    static KeySpec createSpec(ObjectNode body) {
        IdCheck.matches(body, null);
        return SpecJson.read(body, KeySpec.class, SpecJson.Source.API, READ_ONLY);
    }

    static KeySpec replaceSpec(ObjectNode body, String pathId) {
        AdminJson.rejectUnknown(body, SpecJson.fields(KeySpec.class), READ_ONLY, "");
        rejectKey(body);
        IdCheck.matches(body, pathId);
        return SpecJson.read(body, KeySpec.class, SpecJson.Source.API, READ_ONLY);
    }

    static KeySpec patched(KeyRecord current, ObjectNode patch) {
        AdminJson.rejectUnknown(patch, SpecJson.fields(KeySpec.class), READ_ONLY, "");
        rejectKey(patch);
        IdCheck.matches(patch, current.id());
        return SpecJson.read(
                AdminJson.mergePatch(SpecJson.write(current.spec()), patch),
                KeySpec.class,
                SpecJson.Source.API,
                READ_ONLY);
    }

    /** The body of {@code POST /keys/{id}/exhaust}: {@code {"reason": "...", "until": "<instant>" | null}}. */
    record Exhaustion(String reason, Instant until) {}

    static Exhaustion exhaustion(ObjectNode body) {
        AdminJson.rejectUnknown(body, EXHAUST_FIELDS, Set.of(), "");
        String reason = AdminJson.string(body, "reason");
        if (reason != null && reason.length() > KeySpec.STATUS_REASON_MAX) {
            throw ConfigException.invalid(
                    "reason", "reason must be at most " + KeySpec.STATUS_REASON_MAX + " characters");
        }
        return new Exhaustion(reason, AdminJson.instant(body, "until"));
    }

    private static void rejectKey(ObjectNode body) {
        if (body.has("key")) {
            throw ConfigException.invalid(
                    "immutable_field", "key", "the key itself cannot be changed; create a new key to rotate");
        }
    }

    /** A key as the API returns it; {@link #toString()} never prints the plaintext. */
    record View(@JsonValue ObjectNode json) {
        @Override
        public String toString() {
            return "KeyView[id=" + json.path("id").asString() + ", keyPrefix="
                    + json.path("keyPrefix").asString() + ", key=" + (json.has("key") ? "***" : "none") + "]";
        }
    }

    /** {@code plaintext} only in the response that created the key. */
    static View view(KeyRecord r, String plaintext) {
        ObjectNode o = AdminJson.MAPPER.createObjectNode();
        o.put("id", r.id());
        o.setAll(SpecJson.write(r.spec()));
        o.put("keyPrefix", r.keyPrefix());
        AdminJson.putRowState(o, r.version(), r.createdAt(), r.updatedAt());
        if (plaintext != null) {
            o.put("key", plaintext);
        }
        return new View(o);
    }
}
