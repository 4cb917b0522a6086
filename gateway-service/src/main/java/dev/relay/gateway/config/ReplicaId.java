package dev.relay.gateway.config;

/** This gateway replica's identity in channel-health events (so a replica ignores its own echoes). */
public record ReplicaId(String value) {}
