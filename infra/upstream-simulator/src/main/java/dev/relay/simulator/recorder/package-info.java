/** Bounded in-memory recording of every received API request, queried through {@code /_sim/requests}. */
package dev.relay.simulator.recorder;
