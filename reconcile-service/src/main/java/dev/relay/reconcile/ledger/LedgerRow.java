package dev.relay.reconcile.ledger;

import dev.relay.contracts.ManagedResource;
import dev.relay.contracts.ManagedResource.ResourceKind;
import java.util.UUID;

/** One resource of reconcile-service's ledger view. */
public record LedgerRow(
        String hostId,
        ResourceKind kind,
        String externalRef,
        String resourceId,
        UUID runId,
        UUID itemId,
        String specHash) {

    public ManagedResource asManaged() {
        return new ManagedResource(hostId, kind, resourceId, externalRef, specHash);
    }
}
