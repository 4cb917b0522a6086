/** Upstream simulator: a fake OpenAI- and Anthropic-compatible LLM provider for tests, demos and benchmarks. */
package dev.relay.simulator;
