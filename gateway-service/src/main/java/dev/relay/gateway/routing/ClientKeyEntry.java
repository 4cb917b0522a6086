package dev.relay.gateway.routing;

import java.time.Instant;

/** A client key as the hot path sees it (never the plaintext, never the hash). */
public record ClientKeyEntry(
        String id, String name, String groupId, boolean enabled, Instant expiresAt, Integer rateLimitPerMinute) {

    public boolean usableAt(Instant now) {
        return enabled && (expiresAt == null || now.isBefore(expiresAt));
    }
}
