/** The edge's configuration: channels, groups and client keys in PostgreSQL, versioned changes with outbox events, and the routing snapshot kept current on every replica. */
package dev.relay.gateway.config;
