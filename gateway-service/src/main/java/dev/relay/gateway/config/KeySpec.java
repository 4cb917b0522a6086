package dev.relay.gateway.config;

import java.time.Instant;

/**
 * The desired state of one client key.
 *
 * @param key a caller-supplied plaintext key (at least {@value #MIN_SUPPLIED_KEY_LENGTH} characters) on creation, or
 *     null to have the gateway generate one; never stored, never printed
 */
public record KeySpec(
        String name,
        String groupId,
        EntryStatus status,
        Instant expiresAt,
        Integer rateLimitPerMinute,
        String managedBy,
        String externalRef,
        String key) {

    public static final int MIN_SUPPLIED_KEY_LENGTH = 32;
    public static final int MAX_SUPPLIED_KEY_LENGTH = 256;

    public KeySpec {
        name = Checks.requiredText(name, "name", Checks.NAME_MAX);
        groupId = Checks.requiredText(groupId, "groupId", 40);
        status = status == null ? EntryStatus.ENABLED : status;
        if (rateLimitPerMinute != null && rateLimitPerMinute <= 0) {
            throw ConfigException.invalid("rateLimitPerMinute", "rateLimitPerMinute must be positive (or null)");
        }
        managedBy = Checks.optionalText(managedBy, "managedBy", Checks.MANAGED_BY_MAX);
        externalRef = Checks.optionalText(externalRef, "externalRef", Checks.EXTERNAL_REF_MAX);
        Checks.ownership(managedBy, externalRef);
        if (key != null) {
            if (key.length() < MIN_SUPPLIED_KEY_LENGTH || key.length() > MAX_SUPPLIED_KEY_LENGTH) {
                throw ConfigException.invalid(
                        "key",
                        "a supplied key must be " + MIN_SUPPLIED_KEY_LENGTH + " to " + MAX_SUPPLIED_KEY_LENGTH
                                + " characters");
            }
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (c <= ' ' || c > '~') {
                    throw ConfigException.invalid("key", "a supplied key must be printable ASCII without spaces");
                }
            }
        }
    }

    public KeySpec withStatus(EntryStatus newStatus) {
        return new KeySpec(name, groupId, newStatus, expiresAt, rateLimitPerMinute, managedBy, externalRef, key);
    }

    public KeySpec withoutKey() {
        return new KeySpec(name, groupId, status, expiresAt, rateLimitPerMinute, managedBy, externalRef, null);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "KeySpec[name=" + name + ", groupId=" + groupId + ", status=" + status + ", expiresAt=" + expiresAt
                + ", rateLimitPerMinute=" + rateLimitPerMinute + ", managedBy=" + managedBy + ", externalRef="
                + externalRef + ", key=" + (key == null ? "none" : "***") + "]";
    }
}
