package dev.relay.contracts;

/** What an upstream (or a public model behind the edge) can do, as found by probing. */
public record CapabilityProfile(
        boolean streaming, boolean nativeTools, boolean vision, boolean embeddings, boolean responses) {}
