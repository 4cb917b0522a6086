package dev.relay.gateway.routing;

import dev.relay.contracts.Protocol;
import dev.relay.gateway.translate.UpstreamDialect;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * One upstream channel as the hot path sees it. {@code credential} is the decrypted upstream key, held only in memory;
 * {@link #toString()} never prints it.
 *
 * @param apiBase the base URL normalised to end in the API version path without a trailing slash, e.g.
 *     {@code https://api.deepseek.com/v1} (given with or without {@code /v1})
 * @param groups group ids allowed to use this channel; empty = every group
 */
public record ChannelRoute(
        String id,
        String name,
        Protocol protocol,
        URI apiBase,
        String credential,
        Set<String> models,
        Map<String, String> modelMapping,
        Set<String> groups,
        int priority,
        int weight,
        Map<String, String> extraHeaders,
        Duration connectTimeout,
        Duration firstByteTimeout,
        Duration totalTimeout,
        ChannelCapabilities capabilities,
        UpstreamDialect dialect,
        ChannelStatus status,
        long version) {

    public ChannelRoute {
        models = Set.copyOf(models);
        modelMapping = Map.copyOf(modelMapping);
        groups = Set.copyOf(groups);
        extraHeaders = Map.copyOf(extraHeaders);
        dialect = dialect == null ? UpstreamDialect.DEFAULT : dialect;
    }

    /** The upstream's name for a public model (the mapping, else the same name). */
    public String upstreamModel(String publicModel) {
        return modelMapping.getOrDefault(publicModel, publicModel);
    }

    public boolean servesGroup(String groupId) {
        return groups.isEmpty() || groups.contains(groupId);
    }

    public boolean enabled() {
        return status == ChannelStatus.ENABLED;
    }

    /**
     * Normalises an operator-given base URL: trims, drops trailing slashes, appends {@code /v1} unless the path
     * already ends in a version segment ({@code /v1}, {@code /v4}, {@code /api/v3} ...).
     */
    public static URI normaliseApiBase(String baseUrl) {
        return dev.relay.contracts.ApiBases.normalise(baseUrl);
    }

    @Override
    public String toString() {
        return "ChannelRoute[id=" + id + ", name=" + name + ", protocol=" + protocol + ", apiBase=" + apiBase
                + ", models=" + models + ", priority=" + priority + ", weight=" + weight + ", status=" + status + "]";
    }
}
