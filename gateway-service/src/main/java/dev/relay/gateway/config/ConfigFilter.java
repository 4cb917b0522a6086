package dev.relay.gateway.config;

/**
 * Equality filters of the admin list endpoints; null = no filter. {@code groupId} and {@code model} apply where the
 * resource has them (channels: allowed group / served model; keys: group).
 */
public record ConfigFilter(String managedBy, String externalRef, String status, String groupId, String model) {
    public static final ConfigFilter NONE = new ConfigFilter(null, null, null, null, null);
}
