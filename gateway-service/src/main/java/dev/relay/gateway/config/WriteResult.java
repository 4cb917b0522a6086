package dev.relay.gateway.config;

/**
 * The outcome of one admin change.
 *
 * @param value the resource after the change (null after a delete)
 * @param created a new resource was created
 * @param replayed an idempotent create found the resource it would have created; nothing changed
 * @param changed something was committed (and {@code configVersion} was bumped for it); false for replays and no-op
 *     updates
 * @param configVersion the config version after the change (the current one when nothing changed)
 */
public record WriteResult<T>(T value, boolean created, boolean replayed, boolean changed, long configVersion) {

    static <T> WriteResult<T> created(T value, long configVersion) {
        return new WriteResult<>(value, true, false, true, configVersion);
    }

    static <T> WriteResult<T> replayed(T value, long configVersion) {
        return new WriteResult<>(value, false, true, false, configVersion);
    }

    static <T> WriteResult<T> changed(T value, long configVersion) {
        return new WriteResult<>(value, false, false, true, configVersion);
    }

    static <T> WriteResult<T> unchanged(T value, long configVersion) {
        return new WriteResult<>(value, false, false, false, configVersion);
    }
}
