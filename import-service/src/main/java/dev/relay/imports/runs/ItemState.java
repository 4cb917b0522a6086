package dev.relay.imports.runs;

/** An item's state as operators see it; the last five are terminal. */
public enum ItemState {
    SUBMITTED,
    PROBING,
    PROBED,
    PROVISIONING,
    CONFIRMING,
    READY,
    FAILED,
    DUPLICATE,
    CANCELLED,
    ROLLED_BACK;

    public boolean terminal() {
        return this == READY || this == FAILED || this == DUPLICATE || this == CANCELLED || this == ROLLED_BACK;
    }
}
