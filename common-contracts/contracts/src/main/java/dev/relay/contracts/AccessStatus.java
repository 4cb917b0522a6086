package dev.relay.contracts;

/** What an operator sees of an item's access: usable through the edge in one of the modes, or broken. */
public enum AccessStatus {
    SELF_SERVICE_READY,
    SUBSCRIPTION_READY,
    BROKEN
}
