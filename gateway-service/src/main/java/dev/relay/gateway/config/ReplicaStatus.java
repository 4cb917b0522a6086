package dev.relay.gateway.config;

import java.time.Instant;

/**
 * One gateway replica as its heartbeat last reported it.
 *
 * @param configVersion the config version of the routing snapshot it serves
 * @param lastSeenAt its last heartbeat (database time)
 */
public record ReplicaStatus(String replicaId, long configVersion, Instant startedAt, Instant lastSeenAt) {}
