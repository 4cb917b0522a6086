/** Talking to upstreams: the guarded HTTP client, the prober and its evidence. */
package dev.relay.probe.upstream;
