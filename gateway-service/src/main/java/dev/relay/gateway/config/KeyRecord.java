package dev.relay.gateway.config;

import java.time.Instant;

/**
 * A stored client key: never the plaintext ({@code spec.key()} is null), only its SHA-256 and a display prefix.
 *
 * @param keyHash {@link dev.relay.gateway.routing.ClientKeys#hash(String)} of the plaintext (hex)
 */
public record KeyRecord(
        String id, KeySpec spec, String keyPrefix, String keyHash, long version, Instant createdAt, Instant updatedAt) {

    @Override
    public String toString() {
        return "KeyRecord[id=" + id + ", spec=" + spec + ", keyPrefix=" + keyPrefix + ", version=" + version + "]";
    }
}
