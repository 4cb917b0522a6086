package dev.relay.contracts.edge;

import dev.relay.contracts.SealedSecret;

/**
 * An edge the control plane provisions into, as the {@code host.registered} / {@code host.updated} events describe it:
 * its admin API base ({@code …/admin/v1}), the admin token sealed with the master key, and the client-facing URL
 * confirmations and re-verifications call.
 */
public record EdgeHost(String id, String adminUrl, SealedSecret adminToken, String clientUrl) {}
