package dev.relay.contracts;

/** A resource the control plane created in the host (the edge), as recorded in the managed-resource ledger. */
public record ManagedResource(ResourceKind kind, String id, String externalRef) {
    public enum ResourceKind {
        CHANNEL,
        GROUP,
        CLIENT_KEY,
        SUBSCRIPTION
    }
}
