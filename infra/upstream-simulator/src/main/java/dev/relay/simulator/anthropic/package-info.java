/** Anthropic-compatible endpoints: the Messages API and token counting. */
package dev.relay.simulator.anthropic;
