/** Scripted behaviour (auth, latency, errors, hangs, drops, fail-first) and the API-shaped replies it produces. */
package dev.relay.simulator.scenario;
