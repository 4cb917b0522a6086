package dev.relay.contracts;

/** How an import run hands access out: a key with its own balance, or a subscription to the run's group. */
public enum AccessMode {
    SELF_SERVICE,
    SUBSCRIPTION
}
