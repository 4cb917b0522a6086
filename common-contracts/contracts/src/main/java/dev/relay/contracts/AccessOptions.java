package dev.relay.contracts;

import java.time.Instant;
import java.util.Objects;

/**
 * The access an import run asked for, carried on every item so that provisioning needs no other source.
 *
 * @param consumer the consumer the run's key belongs to (null: one is created for the run)
 * @param balanceTokens self_service: the key's token balance (null = unlimited)
 * @param allowanceTokens subscription: tokens per period
 * @param period subscription: {@code day}, {@code week} or {@code month}
 * @param expiresAt subscription: when it ends (null = never)
 * @param clientKey the run's client key, generated at submission, sealed
 */
public record AccessOptions(
        AccessMode mode,
        String consumer,
        Long balanceTokens,
        Long allowanceTokens,
        String period,
        Instant expiresAt,
        SealedSecret clientKey) {
    public AccessOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(clientKey, "clientKey");
    }
}
