package dev.relay.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Every event Relay puts on the wire. Records only, named in the past tense, carrying ids (never entities).
 *
 * <p>The wire type name ({@link #eventType()}) is a stable string from {@link EventType}, never a Java class name.
 */
public sealed interface RelayEvent
        permits HostRegistered,
                HostUpdated,
                ItemEvent,
                RunCompleted,
                RunRollbackRequested,
                DriftDetected,
                ReconcileCompleted,
                ReconcileRequested,
                ResourceRepairRequested,
                ResourceRepaired,
                ResourceRepairFailed,
                GatewayConfigChanged,
                ChannelCooledDown,
                ChannelAutoDisabled,
                UsageRecorded {

    /** The stable wire type of this event. */
    EventType eventType();

    /** Kafka record key: all events of one aggregate stay ordered on one partition. */
    String aggregateId();

    Instant occurredAt();

    /** The import run this event belongs to, if any. */
    default UUID runIdOrNull() {
        return null;
    }

    /** The import item this event belongs to, if any. */
    default UUID itemIdOrNull() {
        return null;
    }
}
