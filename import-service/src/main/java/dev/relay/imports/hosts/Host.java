package dev.relay.imports.hosts;

import dev.relay.contracts.SealedSecret;
import java.time.Instant;

/** A registered host; the admin token stays sealed. */
public record Host(
        String id,
        String name,
        String adminUrl,
        SealedSecret adminToken,
        String clientUrl,
        Instant createdAt,
        Instant updatedAt) {

    /** What the API shows: never the token, only its fingerprint. */
    public record View(
            String id,
            String name,
            String adminUrl,
            String clientUrl,
            String adminTokenFingerprint,
            Instant createdAt,
            Instant updatedAt) {}

    public View view() {
        return new View(id, name, adminUrl, clientUrl, adminToken.fingerprint(), createdAt, updatedAt);
    }
}
