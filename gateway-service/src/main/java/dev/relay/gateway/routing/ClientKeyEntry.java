package dev.relay.gateway.routing;

import java.time.Instant;

/**
 * A client key as the hot path sees it (never the plaintext, never the hash).
 *
 * @param enabled status {@code ENABLED}
 * @param exhausted set when the key's status is {@code EXHAUSTED} (its budget is used up), else null
 */
public record ClientKeyEntry(
        String id,
        String name,
        String groupId,
        boolean enabled,
        Instant expiresAt,
        Integer rateLimitPerMinute,
        Exhaustion exhausted) {

    /**
     * Why and until when a key is refused for its budget.
     *
     * @param until when the budget resets (from then on the key works again, even before accounting restores it);
     *     null = no known reset
     */
    public record Exhaustion(String reason, Instant until) {}

    public ClientKeyEntry(
            String id, String name, String groupId, boolean enabled, Instant expiresAt, Integer rateLimitPerMinute) {
        this(id, name, groupId, enabled, expiresAt, rateLimitPerMinute, null);
    }

    /** Whether the key proves who the caller is (enabled or exhausted, not expired). */
    public boolean authenticatesAt(Instant now) {
        return (enabled || exhausted != null) && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** Whether the key is refused for its used-up budget at {@code now} (exhausted, and its reset time not reached). */
    public boolean exhaustedAt(Instant now) {
        return exhausted != null && (exhausted.until() == null || now.isBefore(exhausted.until()));
    }

    /** Whether a request with this key may be served at {@code now}. */
    public boolean usableAt(Instant now) {
        return authenticatesAt(now) && !exhaustedAt(now);
    }
}
