/** The hosts (edges) access-service provisions into, learnt from {@code relay.host}. */
package dev.relay.access.hosts;
