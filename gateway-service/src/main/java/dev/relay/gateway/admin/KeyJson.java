package dev.relay.gateway.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.relay.gateway.config.ConfigException;
import dev.relay.gateway.config.KeyRecord;
import dev.relay.gateway.config.KeySpec;
import dev.relay.gateway.config.KeyStatus;
import java.time.Instant;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** Client key JSON. The plaintext {@code key} appears in one response only: the one that created it. */
final class KeyJson {

    static final Set<String> WRITABLE =
            Set.of("name", "groupId", "status", "expiresAt", "rateLimitPerMinute", "managedBy", "externalRef");
    static final Set<String> CREATE_ONLY = Set.of("key");
    /** Accepted and ignored; {@code statusReason}/{@code statusUntil} are set by {@code exhaust} only. */
    static final Set<String> READ_ONLY =
            Set.of("id", "keyPrefix", "statusReason", "statusUntil", "version", "createdAt", "updatedAt");

    static final Set<String> EXHAUST_FIELDS = Set.of("reason", "until");

    private KeyJson() {}

    static KeySpec createSpec(ObjectNode body) {
        AdminJson.rejectUnknown(body, union(WRITABLE, CREATE_ONLY), READ_ONLY, "");
        IdCheck.matches(body, null);
        return spec(body, AdminJson.string(body, "key"));
    }

    static KeySpec replaceSpec(ObjectNode body, String pathId) {
        AdminJson.rejectUnknown(body, union(WRITABLE, CREATE_ONLY), READ_ONLY, "");
        rejectKey(body);
        IdCheck.matches(body, pathId);
        return spec(body, null);
    }

    static KeySpec patched(KeyRecord current, ObjectNode patch) {
        AdminJson.rejectUnknown(patch, union(WRITABLE, CREATE_ONLY), READ_ONLY, "");
        rejectKey(patch);
        IdCheck.matches(patch, current.id());
        ObjectNode base = AdminJson.MAPPER.valueToTree(view(current, null));
        base.retain(WRITABLE);
        return spec((ObjectNode) AdminJson.mergePatch(base, patch), null);
    }

    private static KeySpec spec(ObjectNode body, String key) {
        return new KeySpec(
                AdminJson.string(body, "name"),
                AdminJson.string(body, "groupId"),
                AdminJson.enumValue(body, "status", KeyStatus.class),
                AdminJson.instant(body, "expiresAt"),
                AdminJson.integer(body, "rateLimitPerMinute"),
                AdminJson.string(body, "managedBy"),
                AdminJson.string(body, "externalRef"),
                key);
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

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return s;
    }

    record View(
            String id,
            String name,
            String groupId,
            String keyPrefix,
            KeyStatus status,
            String statusReason,
            Instant statusUntil,
            Instant expiresAt,
            Integer rateLimitPerMinute,
            String managedBy,
            String externalRef,
            long version,
            Instant createdAt,
            Instant updatedAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) String key) {

        @Override
        public String toString() {
            return "KeyView[id=" + id + ", keyPrefix=" + keyPrefix + ", key=" + (key == null ? "none" : "***") + "]";
        }
    }

    /** {@code plaintext} only in the response that created the key. */
    static View view(KeyRecord r, String plaintext) {
        KeySpec s = r.spec();
        return new View(
                r.id(),
                s.name(),
                s.groupId(),
                r.keyPrefix(),
                s.status(),
                s.statusReason(),
                s.statusUntil(),
                s.expiresAt(),
                s.rateLimitPerMinute(),
                s.managedBy(),
                s.externalRef(),
                r.version(),
                r.createdAt(),
                r.updatedAt(),
                plaintext);
    }
}
