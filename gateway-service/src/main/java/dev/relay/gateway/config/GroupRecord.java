package dev.relay.gateway.config;

import java.time.Instant;

/** A stored client group. */
public record GroupRecord(String id, GroupSpec spec, long version, Instant createdAt, Instant updatedAt) {}
