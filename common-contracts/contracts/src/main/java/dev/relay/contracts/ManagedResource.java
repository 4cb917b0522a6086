package dev.relay.contracts;

/**
 * A resource the control plane created in a host (an edge), as recorded in the managed-resource ledger: the host, the
 * kind, the host's id for it, the {@code externalRef} it was created with, and the canonical spec hash of what was
 * applied ({@code SpecHash} over the admin API's read form).
 */
public record ManagedResource(String hostId, ResourceKind kind, String id, String externalRef, String specHash) {
    public enum ResourceKind {
        CHANNEL,
        GROUP,
        CLIENT_KEY,
        SUBSCRIPTION,
        CONSUMER
    }
}
