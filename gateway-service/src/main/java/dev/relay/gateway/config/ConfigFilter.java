package dev.relay.gateway.config;

/**
 * Filters and the page of the admin list endpoints; null = no filter. {@code groupId} and {@code model} apply where
 * the resource has them (channels: allowed group / served model; keys: group). {@code externalRefPrefix} finds what a
 * manager created under one prefix (a control plane's run: {@code run:<id>/}); {@code notManagedBy} what another
 * manager, or nobody, owns.
 *
 * @param limit at most this many rows, in creation order (0 = every row: the snapshot load, never the admin API)
 * @param after the page starts after this position (from the previous page's {@code next}); null = the first page
 */
public record ConfigFilter(
        String managedBy,
        String externalRef,
        String externalRefPrefix,
        String notManagedBy,
        String status,
        String groupId,
        String model,
        int limit,
        ListCursor after) {

    public static final ConfigFilter NONE = new ConfigFilter(null, null, null, null, null, null, null, 0, null);

    /** A filter on the served group and model only, every row. */
    public static ConfigFilter groupAndModel(String groupId, String model) {
        return new ConfigFilter(null, null, null, null, null, groupId, model, 0, null);
    }
}
