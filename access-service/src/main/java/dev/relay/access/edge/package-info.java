/** Talking to a host (an edge): its admin API, and its client-facing API as a client would use it. */
package dev.relay.access.edge;
