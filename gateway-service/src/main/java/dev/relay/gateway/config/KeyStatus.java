package dev.relay.gateway.config;

/**
 * Status of a client key. {@link #EXHAUSTED} is set by usage accounting through {@code POST /admin/v1/keys/{id}/exhaust}
 * (the key has used up its budget; the edge refuses it with 429 {@code key_exhausted} until {@code statusUntil}, or
 * until it is restored); groups have no such status ({@link EntryStatus}).
 */
public enum KeyStatus {
    ENABLED,
    DISABLED,
    EXHAUSTED
}
