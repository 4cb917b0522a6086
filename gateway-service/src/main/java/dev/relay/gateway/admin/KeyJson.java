package dev.relay.gateway.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.relay.gateway.config.ConfigException;
import dev.relay.gateway.config.EntryStatus;
import dev.relay.gateway.config.KeyRecord;
import dev.relay.gateway.config.KeySpec;
import java.time.Instant;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** Client key JSON. The plaintext {@code key} appears in one response only: the one that created it. */
final class KeyJson {

    static final Set<String> WRITABLE =
            Set.of("name", "groupId", "status", "expiresAt", "rateLimitPerMinute", "managedBy", "externalRef");
    static final Set<String> CREATE_ONLY = Set.of("key");
    static final Set<String> READ_ONLY = Set.of("id", "keyPrefix", "version", "createdAt", "updatedAt");

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
                AdminJson.enumValue(body, "status", EntryStatus.class),
                AdminJson.instant(body, "expiresAt"),
                AdminJson.integer(body, "rateLimitPerMinute"),
                AdminJson.string(body, "managedBy"),
                AdminJson.string(body, "externalRef"),
                key);
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
            EntryStatus status,
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
