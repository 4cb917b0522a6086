package dev.relay.contracts;

/**
 * What an upstream can do, as found by probing: chat completions, streaming, native tools, vision, embeddings, the
 * Responses API, Anthropic Messages and Anthropic count_tokens.
 */
public record CapabilityProfile(
        boolean chat,
        boolean streaming,
        boolean nativeTools,
        boolean vision,
        boolean embeddings,
        boolean responses,
        boolean anthropicMessages,
        boolean countTokens) {}
