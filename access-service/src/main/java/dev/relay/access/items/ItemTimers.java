package dev.relay.access.items;

/**
 * The kinds of the durable timers that move an item through access-service, each keyed by the item id. Named here,
 * below the stages, so one stage can schedule or cancel another's timer without depending on it: provisioning opens
 * the confirmation window and hands an item that was asked to roll back meanwhile to rollback; a rollback, a retry and
 * a cancellation stop provisioning and confirmation.
 */
public final class ItemTimers {

    /** Provisioning an item into its host ({@code Provisioner}). */
    public static final String PROVISION = "provision";

    /** One attempt of an item's confirmation window ({@code Confirmer}). */
    public static final String CONFIRM = "confirm";

    /** Rolling an item back by the ledger ({@code Rollbacks}). */
    public static final String ROLLBACK = "rollback";

    private ItemTimers() {}
}
