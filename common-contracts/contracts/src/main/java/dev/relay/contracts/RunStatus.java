package dev.relay.contracts;

/** A run's outcome once every item is terminal (or while items still move: {@code RUNNING}). */
public enum RunStatus {
    RUNNING,
    SUCCEEDED,
    PARTIALLY_SUCCEEDED,
    FAILED,
    ROLLED_BACK
}
