/** Edge gateway: OpenAI- and Anthropic-compatible client APIs, routing to upstream channels, resilience, metering, and the host admin API. */
package dev.relay.gateway;
