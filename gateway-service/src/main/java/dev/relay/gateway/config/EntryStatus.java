package dev.relay.gateway.config;

/** Status of a client group or client key. */
public enum EntryStatus {
    ENABLED,
    DISABLED
}
