package dev.relay.contracts;

/** A stage of an item's life that takes time, announced when it starts. */
public enum ItemStage {
    PROBING,
    PROVISIONING,
    CONFIRMING
}
