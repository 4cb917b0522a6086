package dev.relay.gateway.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An immutable view of the edge's configuration at one config version. Built off the hot path (at start and on
 * {@code gateway.config-changed}); read lock-free by every request through {@link SnapshotHolder}.
 */
public final class RoutingSnapshot {

    public static final RoutingSnapshot EMPTY = new RoutingSnapshot(0, List.of(), List.of(), Map.of());

    private final long version;
    private final Map<String, ClientKeyEntry> keysByHash;
    private final Map<String, GroupEntry> groups;
    private final Map<String, ChannelRoute> channels;
    private final Map<String, List<ChannelRoute>> channelsByModel;

    /**
     * @param keysByHash client keys by {@link ClientKeys#hash(String)}
     */
    public RoutingSnapshot(
            long version,
            Collection<ChannelRoute> channels,
            Collection<GroupEntry> groups,
            Map<String, ClientKeyEntry> keysByHash) {
        this.version = version;
        this.keysByHash = Map.copyOf(keysByHash);
        Map<String, GroupEntry> g = new HashMap<>();
        groups.forEach(e -> g.put(e.id(), e));
        this.groups = Map.copyOf(g);
        Map<String, ChannelRoute> c = new HashMap<>();
        Map<String, List<ChannelRoute>> byModel = new HashMap<>();
        for (ChannelRoute ch : channels) {
            c.put(ch.id(), ch);
            for (String model : ch.models()) {
                byModel.computeIfAbsent(model, m -> new ArrayList<>()).add(ch);
            }
        }
        byModel.replaceAll((m, list) -> list.stream()
                .sorted(Comparator.comparingInt(ChannelRoute::priority)
                        .reversed()
                        .thenComparing(ChannelRoute::id))
                .toList());
        this.channels = Map.copyOf(c);
        this.channelsByModel = Map.copyOf(byModel);
    }

    public long version() {
        return version;
    }

    public Optional<ClientKeyEntry> keyByHash(String hash) {
        return Optional.ofNullable(keysByHash.get(hash));
    }

    public Optional<GroupEntry> group(String id) {
        return Optional.ofNullable(groups.get(id));
    }

    public Optional<ChannelRoute> channel(String id) {
        return Optional.ofNullable(channels.get(id));
    }

    public Collection<ChannelRoute> channels() {
        return channels.values();
    }

    /** Every channel by id (unmodifiable), e.g. for the next load to reuse the routes that did not change. */
    public Map<String, ChannelRoute> channelsById() {
        return java.util.Collections.unmodifiableMap(channels);
    }

    /** Every client key by its hash (unmodifiable), for the next load to carry over the keys that did not change. */
    public Map<String, ClientKeyEntry> keysByHash() {
        return keysByHash;
    }

    /** Every group, sorted by id. */
    public List<GroupEntry> groups() {
        return groups.values().stream()
                .sorted(Comparator.comparing(GroupEntry::id))
                .toList();
    }

    /** Every client key (never their hashes), sorted by id. */
    public List<ClientKeyEntry> keys() {
        return keysByHash.values().stream()
                .sorted(Comparator.comparing(ClientKeyEntry::id))
                .toList();
    }

    /** Whether any channel (enabled or not) serves the model: distinguishes 404 unknown model from 503. */
    public boolean knowsModel(String publicModel) {
        return channelsByModel.containsKey(publicModel);
    }

    /** Enabled channels serving the model for the group, highest priority tier first (health not applied). */
    public List<ChannelRoute> candidates(String publicModel, String groupId) {
        List<ChannelRoute> all = channelsByModel.get(publicModel);
        if (all == null) {
            return List.of();
        }
        List<ChannelRoute> out = new ArrayList<>(all.size());
        for (ChannelRoute ch : all) {
            if (ch.enabled() && ch.servesGroup(groupId)) {
                out.add(ch);
            }
        }
        return out;
    }

    /** Public model names the group may use and some enabled channel serves, sorted. */
    public List<String> modelsFor(String groupId) {
        GroupEntry group = groups.get(groupId);
        if (group == null || !group.enabled()) {
            return List.of();
        }
        TreeSet<String> out = new TreeSet<>();
        channelsByModel.forEach((model, chans) -> {
            if (group.allows(model) && chans.stream().anyMatch(ch -> ch.enabled() && ch.servesGroup(groupId))) {
                out.add(model);
            }
        });
        return List.copyOf(out);
    }

    /**
     * Public model names the group may use that {@code channel} serves, sorted, whatever the channel's status (a
     * pinned channel is reached as it is); empty when the channel is restricted to other groups.
     */
    public List<String> modelsFor(String groupId, ChannelRoute channel) {
        GroupEntry group = groups.get(groupId);
        if (group == null || !group.enabled() || !channel.servesGroup(groupId)) {
            return List.of();
        }
        return channel.models().stream().filter(group::allows).sorted().toList();
    }
}
