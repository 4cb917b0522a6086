package dev.relay.contracts;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Stable wire names of every event, the record each maps to, its aggregate (and so its topic) and schema version. */
public enum EventType {
    HOST_REGISTERED("host.registered", HostRegistered.class, AggregateType.HOST, 1),
    HOST_UPDATED("host.updated", HostUpdated.class, AggregateType.HOST, 1),
    ITEM_SUBMITTED("item.submitted", ItemSubmitted.class, AggregateType.IMPORT_ITEM, 2),
    ITEM_STAGE_STARTED("item.stage-started", ItemStageStarted.class, AggregateType.IMPORT_ITEM, 1),
    ITEM_DUPLICATE("item.duplicate", ItemDuplicate.class, AggregateType.IMPORT_ITEM, 1),
    ITEM_CANCELLED("item.cancelled", ItemCancelled.class, AggregateType.IMPORT_ITEM, 1),
    ITEM_PROBED("item.probed", ItemProbed.class, AggregateType.IMPORT_ITEM, 3),
    ITEM_PROBE_FAILED("item.probe-failed", ItemProbeFailed.class, AggregateType.IMPORT_ITEM, 2),
    ITEM_PROVISIONED("item.provisioned", ItemProvisioned.class, AggregateType.IMPORT_ITEM, 2),
    ITEM_PROVISION_FAILED("item.provision-failed", ItemProvisionFailed.class, AggregateType.IMPORT_ITEM, 1),
    ITEM_CONFIRMED("item.confirmed", ItemConfirmed.class, AggregateType.IMPORT_ITEM, 2),
    ITEM_CONFIRMATION_FAILED("item.confirmation-failed", ItemConfirmationFailed.class, AggregateType.IMPORT_ITEM, 2),
    ITEM_ROLLED_BACK("item.rolled-back", ItemRolledBack.class, AggregateType.IMPORT_ITEM, 2),
    ITEM_RETRY_REQUESTED("item.retry-requested", ItemRetryRequested.class, AggregateType.IMPORT_ITEM, 1),
    ITEM_CANCEL_REQUESTED("item.cancel-requested", ItemCancelRequested.class, AggregateType.IMPORT_ITEM, 1),
    ITEM_ROLLBACK_REQUESTED("item.rollback-requested", ItemRollbackRequested.class, AggregateType.IMPORT_ITEM, 1),
    ITEM_REPROBE_REQUESTED("item.reprobe-requested", ItemReprobeRequested.class, AggregateType.IMPORT_ITEM, 1),
    ITEM_REPROBED("item.reprobed", ItemReprobed.class, AggregateType.IMPORT_ITEM, 2),
    RUN_COMPLETED("run.completed", RunCompleted.class, AggregateType.IMPORT_RUN, 2),
    RUN_ROLLBACK_REQUESTED("run.rollback-requested", RunRollbackRequested.class, AggregateType.IMPORT_RUN, 1),
    RECONCILE_DRIFT_DETECTED("reconcile.drift-detected", DriftDetected.class, AggregateType.RECONCILE, 2),
    RECONCILE_COMPLETED("reconcile.completed", ReconcileCompleted.class, AggregateType.RECONCILE, 2),
    RECONCILE_REQUESTED("reconcile.requested", ReconcileRequested.class, AggregateType.RECONCILE, 1),
    RESOURCE_REPAIR_REQUESTED("resource.repair-requested", ResourceRepairRequested.class, AggregateType.RESOURCE, 1),
    RESOURCE_REPAIRED("resource.repaired", ResourceRepaired.class, AggregateType.RESOURCE, 1),
    RESOURCE_REPAIR_FAILED("resource.repair-failed", ResourceRepairFailed.class, AggregateType.RESOURCE, 1),
    GATEWAY_CONFIG_CHANGED("gateway.config-changed", GatewayConfigChanged.class, AggregateType.GATEWAY_CONFIG, 1),
    GATEWAY_CHANNEL_COOLED_DOWN(
            "gateway.channel-cooled-down", ChannelCooledDown.class, AggregateType.GATEWAY_CHANNEL, 1),
    GATEWAY_CHANNEL_AUTO_DISABLED(
            "gateway.channel-auto-disabled", ChannelAutoDisabled.class, AggregateType.GATEWAY_CHANNEL, 1),
    USAGE_RECORDED("usage.recorded", UsageRecorded.class, AggregateType.USAGE, 2);

    private static final Map<String, EventType> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));

    private final String wireName;
    private final Class<? extends RelayEvent> recordType;
    private final AggregateType aggregateType;
    private final int schemaVersion;

    EventType(String wireName, Class<? extends RelayEvent> recordType, AggregateType aggregateType, int schemaVersion) {
        this.wireName = wireName;
        this.recordType = recordType;
        this.aggregateType = aggregateType;
        this.schemaVersion = schemaVersion;
    }

    public String wireName() {
        return wireName;
    }

    public Class<? extends RelayEvent> recordType() {
        return recordType;
    }

    public AggregateType aggregateType() {
        return aggregateType;
    }

    public String topic() {
        return aggregateType.topic();
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    public static Optional<EventType> fromWireName(String wireName) {
        return Optional.ofNullable(BY_WIRE_NAME.get(wireName));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
