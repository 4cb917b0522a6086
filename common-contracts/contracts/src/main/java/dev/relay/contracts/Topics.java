package dev.relay.contracts;

/**
 * Kafka topic names. Outbox events are routed by Debezium's EventRouter to {@code relay.<aggregatetype>}; the
 * constants are compile-time constants (usable in annotations); a test checks each equals its aggregate's topic.
 */
public final class Topics {
    public static final String PREFIX = "relay.";
    public static final String HOST = "relay.host";
    public static final String IMPORT_ITEM = "relay.import-item";
    public static final String IMPORT_RUN = "relay.import-run";
    public static final String RECONCILE = "relay.reconcile";
    public static final String RESOURCE = "relay.resource";
    public static final String GATEWAY_CONFIG = "relay.gateway-config";
    public static final String GATEWAY_CHANNEL = "relay.gateway-channel";
    public static final String USAGE = "relay.usage";

    /** Dead-letter topic for events a consumer could not read (poison events). */
    public static String deadLetter(String topic) {
        return topic + ".DLT";
    }

    private Topics() {}
}
