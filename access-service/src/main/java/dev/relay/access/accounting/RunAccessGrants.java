package dev.relay.access.accounting;

import dev.relay.contracts.AccessOptions;
import java.util.UUID;

/**
 * What provisioning asks of accounting when it closes a run's access: the run's key on a host belongs to a consumer,
 * which gets the access the run asked for. Both methods run in the caller's transaction (the provisioning step that
 * records the key in the ledger), so a crash leaves both or neither.
 */
public interface RunAccessGrants {

    /**
     * Ensures the run's consumer (the one {@code options.consumer()} names, else one of the run's own), attaches the
     * key {@code keyId} on {@code hostId} (in group {@code groupId}) to it, and gives it the run's access:
     * {@code SELF_SERVICE} an opening balance of {@code options.balanceTokens()} (null = unlimited), {@code
     * SUBSCRIPTION} a subscription to {@code groupId} with the run's allowance, period and expiry. Idempotent per run:
     * a second call (a redelivery, a retry, another item of the same run) changes nothing.
     *
     * @return the consumer's id
     */
    String grant(UUID runId, String hostId, String groupId, String keyId, AccessOptions options);

    /** The key was removed from the host (a rollback): it no longer counts as the consumer's. */
    void revoke(String hostId, String keyId);
}
