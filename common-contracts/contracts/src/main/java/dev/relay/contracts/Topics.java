package dev.relay.contracts;

/**
 * Kafka topic names. Outbox events are routed by Debezium's EventRouter to {@code relay.<aggregatetype>}; the
 * constants here are the only place that spelling lives in Java.
 */
public final class Topics {
    public static final String PREFIX = "relay.";
    public static final String IMPORT_ITEM = PREFIX + AggregateType.IMPORT_ITEM.wireName();
    public static final String IMPORT_RUN = PREFIX + AggregateType.IMPORT_RUN.wireName();
    public static final String RECONCILE = PREFIX + AggregateType.RECONCILE.wireName();
    public static final String GATEWAY_CONFIG = PREFIX + AggregateType.GATEWAY_CONFIG.wireName();
    public static final String GATEWAY_CHANNEL = PREFIX + AggregateType.GATEWAY_CHANNEL.wireName();
    public static final String USAGE = PREFIX + AggregateType.USAGE.wireName();

    /** Dead-letter topic for events a consumer could not read (poison events). */
    public static String deadLetter(String topic) {
        return topic + ".DLT";
    }

    private Topics() {}
}
