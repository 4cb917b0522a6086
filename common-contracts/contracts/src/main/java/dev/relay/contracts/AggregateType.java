package dev.relay.contracts;

/** Outbox {@code aggregatetype} values; Debezium routes each to topic {@code relay.<wireName>}. */
public enum AggregateType {
    HOST("host"),
    IMPORT_ITEM("import-item"),
    IMPORT_RUN("import-run"),
    RECONCILE("reconcile"),
    RESOURCE("resource"),
    GATEWAY_CONFIG("gateway-config"),
    GATEWAY_CHANNEL("gateway-channel"),
    USAGE("usage");

    private final String wireName;

    AggregateType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public String topic() {
        return Topics.PREFIX + wireName;
    }
}
