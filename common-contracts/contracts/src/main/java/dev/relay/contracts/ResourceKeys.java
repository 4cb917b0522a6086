package dev.relay.contracts;

/** The Kafka key of a managed resource's events: {@code <host id>/<kind>/<externalRef>} (stable across repairs). */
public final class ResourceKeys {

    private ResourceKeys() {}

    public static String of(ManagedResource r) {
        return r.hostId() + "/" + r.kind().name().toLowerCase(java.util.Locale.ROOT) + "/" + r.externalRef();
    }
}
