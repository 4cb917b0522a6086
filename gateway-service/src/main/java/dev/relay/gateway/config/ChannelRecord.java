package dev.relay.gateway.config;

import dev.relay.contracts.SealedSecret;
import java.time.Instant;

/**
 * A stored channel. {@code spec.credential()} is always null here: the credential exists only sealed.
 *
 * @param version row version, the admin API's entity tag; +1 on every change
 */
public record ChannelRecord(
        String id, ChannelSpec spec, SealedSecret credential, long version, Instant createdAt, Instant updatedAt) {

    public String credentialFingerprint() {
        return credential.fingerprint();
    }
}
