package dev.relay.gateway.translate;

import dev.relay.contracts.UsageRecorded.TokenUsage;

/**
 * A non-streamed upstream response translated for the client.
 *
 * @param body the client API's response body (JSON)
 * @param usage token usage as the upstream reported it (upstream protocol's own figures), or null if it reported none
 */
public record Translated(byte[] body, TokenUsage usage) {}
