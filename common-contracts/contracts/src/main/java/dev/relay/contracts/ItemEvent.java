package dev.relay.contracts;

import java.util.UUID;

/** Events of one import item's life; keyed by item id so one item's stages stay ordered. */
public sealed interface ItemEvent extends RelayEvent
        permits ItemSubmitted,
                ItemStageStarted,
                ItemDuplicate,
                ItemCancelled,
                ItemProbed,
                ItemProbeFailed,
                ItemProvisioned,
                ItemProvisionFailed,
                ItemConfirmed,
                ItemConfirmationFailed,
                ItemRolledBack,
                ItemRetryRequested,
                ItemCancelRequested,
                ItemRollbackRequested,
                ItemReprobeRequested,
                ItemReprobed {

    UUID runId();

    UUID itemId();

    @Override
    default String aggregateId() {
        return itemId().toString();
    }

    @Override
    default UUID runIdOrNull() {
        return runId();
    }

    @Override
    default UUID itemIdOrNull() {
        return itemId();
    }
}
