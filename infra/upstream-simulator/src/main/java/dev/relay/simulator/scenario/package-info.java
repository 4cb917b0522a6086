/**
 * Scripted behaviour (auth, latency, errors and non-standard error bodies, hangs, drops, fail-first, ok-then, the
 * warm-up race), scripted keys (model lists, one-protocol servers) and the API-shaped replies they produce.
 */
package dev.relay.simulator.scenario;
