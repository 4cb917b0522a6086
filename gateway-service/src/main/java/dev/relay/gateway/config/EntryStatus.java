package dev.relay.gateway.config;

/** Status of a client group (keys have {@link KeyStatus}, which adds {@code EXHAUSTED}). */
public enum EntryStatus {
    ENABLED,
    DISABLED
}
