package dev.relay.gateway.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An immutable view of the edge's configuration at one config version. Built off the hot path (at start and on
 * {@code gateway.config-changed}); read lock-free by every request through {@link SnapshotHolder}.
 *
 * <p>Channels are indexed by public model and, within a model, by the group they are restricted to (a channel open to
 * every group sits in the model's open list), each list in routing order (priority, highest first, then id). A request
 * then looks only at the channels its group may use, however many other groups share the model; and a change
 * ({@link #change()}) re-indexes only the models and groups of the channels it touches, so a reload caused by one new
 * channel does not re-sort the thousands already routed (it still copies the id maps, a few microseconds per thousand
 * entries).
 */
public final class RoutingSnapshot {

    /** Routing order: priority, highest first, then id (ids are unique, so the order is total). */
    static final Comparator<ChannelRoute> ORDER =
            Comparator.comparingInt(ChannelRoute::priority).reversed().thenComparing(ChannelRoute::id);

    public static final RoutingSnapshot EMPTY =
            new RoutingSnapshot(0, Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    private final long version;
    private final Map<String, ClientKeyEntry> keysByHash;
    /** Client key id to its hash: a changed or deleted key is found without scanning every key. */
    private final Map<String, String> keyHashById;

    private final Map<String, GroupEntry> groups;
    private final Map<String, ChannelRoute> channels;
    private final Map<String, ModelRoutes> byModel;

    /**
     * The channels of one public model: those open to every group, and those restricted to some groups by group id;
     * every list in {@link #ORDER}, unmodifiable.
     */
    record ModelRoutes(List<ChannelRoute> open, Map<String, List<ChannelRoute>> restricted) {}

    /**
     * Builds a snapshot from scratch.
     *
     * @param keysByHash client keys by {@link ClientKeys#hash(String)}
     */
    public RoutingSnapshot(
            long version,
            Collection<ChannelRoute> channels,
            Collection<GroupEntry> groups,
            Map<String, ClientKeyEntry> keysByHash) {
        Change c = EMPTY.change();
        channels.forEach(c::putChannel);
        groups.forEach(c::putGroup);
        keysByHash.forEach(c::putKey);
        RoutingSnapshot s = c.state(version);
        this.version = version;
        this.keysByHash = s.keysByHash;
        this.keyHashById = s.keyHashById;
        this.groups = s.groups;
        this.channels = s.channels;
        this.byModel = s.byModel;
    }

    private RoutingSnapshot(
            long version,
            Map<String, ClientKeyEntry> keysByHash,
            Map<String, String> keyHashById,
            Map<String, GroupEntry> groups,
            Map<String, ChannelRoute> channels,
            Map<String, ModelRoutes> byModel) {
        this.version = version;
        this.keysByHash = keysByHash;
        this.keyHashById = keyHashById;
        this.groups = groups;
        this.channels = channels;
        this.byModel = byModel;
    }

    /** A change on top of this snapshot; this snapshot stays as it is. */
    public Change change() {
        return new Change(this);
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
        return channels;
    }

    /** Every client key by its hash (unmodifiable). */
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
        return byModel.containsKey(publicModel);
    }

    /** Enabled channels serving the model for the group, highest priority tier first (health not applied). */
    public List<ChannelRoute> candidates(String publicModel, String groupId) {
        ModelRoutes routes = byModel.get(publicModel);
        if (routes == null) {
            return List.of();
        }
        List<ChannelRoute> open = routes.open();
        List<ChannelRoute> mine =
                groupId == null ? List.of() : routes.restricted().getOrDefault(groupId, List.of());
        List<ChannelRoute> out = new ArrayList<>(open.size() + mine.size());
        int i = 0;
        int j = 0;
        while (i < open.size() || j < mine.size()) { // merge of two lists in routing order
            ChannelRoute next;
            if (j >= mine.size() || (i < open.size() && ORDER.compare(open.get(i), mine.get(j)) <= 0)) {
                next = open.get(i++);
            } else {
                next = mine.get(j++);
            }
            if (next.enabled()) {
                out.add(next);
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
        Collection<String> allowed = group.allModels() ? byModel.keySet() : group.models();
        for (String model : allowed) {
            ModelRoutes routes = byModel.get(model);
            if (routes != null
                    && (anyEnabled(routes.open())
                            || anyEnabled(routes.restricted().getOrDefault(groupId, List.of())))) {
                out.add(model);
            }
        }
        return List.copyOf(out);
    }

    private static boolean anyEnabled(List<ChannelRoute> routes) {
        for (ChannelRoute ch : routes) {
            if (ch.enabled()) {
                return true;
            }
        }
        return false;
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

    /**
     * Puts and removes channels, groups and keys on top of a snapshot, then {@link #build builds} the next one. Only
     * the index lists of the models and groups a changed channel is (or was) in are copied and re-sorted; the base
     * snapshot is never modified. Not thread-safe; use once.
     */
    public static final class Change {

        private final RoutingSnapshot base;
        private final Map<String, ChannelRoute> channels;
        private final Map<String, ModelRoutes> byModel;
        private final Map<String, Editor> editing = new HashMap<>();
        private Map<String, GroupEntry> groups;
        private Map<String, ClientKeyEntry> keysByHash;
        private Map<String, String> keyHashById;

        private Change(RoutingSnapshot base) {
            this.base = base;
            this.channels = new HashMap<>(base.channels);
            this.byModel = new HashMap<>(base.byModel);
        }

        /** Adds the channel, or replaces the one with its id. */
        public Change putChannel(ChannelRoute ch) {
            ChannelRoute old = channels.put(ch.id(), ch);
            if (old != null) {
                unindex(old);
            }
            for (String model : ch.models()) {
                Editor e = editor(model);
                if (ch.groups().isEmpty()) {
                    e.open().add(ch);
                } else {
                    for (String g : ch.groups()) {
                        e.restricted(g).add(ch);
                    }
                }
            }
            return this;
        }

        /** Removes the channel if there is one with this id. */
        public Change removeChannel(String id) {
            ChannelRoute old = channels.remove(id);
            if (old != null) {
                unindex(old);
            }
            return this;
        }

        private void unindex(ChannelRoute old) {
            for (String model : old.models()) {
                Editor e = editor(model);
                if (old.groups().isEmpty()) {
                    e.open().remove(old);
                } else {
                    for (String g : old.groups()) {
                        e.restricted(g).remove(old);
                    }
                }
            }
        }

        public Change putGroup(GroupEntry g) {
            groups().put(g.id(), g);
            return this;
        }

        public Change removeGroup(String id) {
            groups().remove(id);
            return this;
        }

        /** Adds the key under its hash, or replaces the key with its id (whose hash may have changed). */
        public Change putKey(String hash, ClientKeyEntry key) {
            String oldHash = keyHashById().put(key.id(), hash);
            if (oldHash != null && !oldHash.equals(hash)) {
                keysByHash().remove(oldHash);
            }
            keysByHash().put(hash, key);
            return this;
        }

        public Change removeKey(String id) {
            String hash = keyHashById().remove(id);
            if (hash != null) {
                keysByHash().remove(hash);
            }
            return this;
        }

        public RoutingSnapshot build(long version) {
            return state(version);
        }

        private RoutingSnapshot state(long version) {
            editing.forEach((model, e) -> {
                ModelRoutes routes = e.freeze();
                if (routes == null) {
                    byModel.remove(model);
                } else {
                    byModel.put(model, routes);
                }
            });
            editing.clear();
            return new RoutingSnapshot(
                    version,
                    keysByHash == null ? base.keysByHash : Collections.unmodifiableMap(keysByHash),
                    keyHashById == null ? base.keyHashById : Collections.unmodifiableMap(keyHashById),
                    groups == null ? base.groups : Collections.unmodifiableMap(groups),
                    Collections.unmodifiableMap(channels),
                    Collections.unmodifiableMap(byModel));
        }

        private Map<String, GroupEntry> groups() {
            if (groups == null) {
                groups = new HashMap<>(base.groups);
            }
            return groups;
        }

        private Map<String, ClientKeyEntry> keysByHash() {
            if (keysByHash == null) {
                keysByHash = new HashMap<>(base.keysByHash);
            }
            return keysByHash;
        }

        private Map<String, String> keyHashById() {
            if (keyHashById == null) {
                keyHashById = new HashMap<>(base.keyHashById);
            }
            return keyHashById;
        }

        private Editor editor(String model) {
            return editing.computeIfAbsent(model, m -> new Editor(byModel.get(m)));
        }
    }

    /** The lists of one model being changed: each copied on first touch, sorted again when frozen. */
    private static final class Editor {

        private final ModelRoutes from;
        private OrderedList open;
        private final Map<String, OrderedList> restricted = new HashMap<>();

        Editor(ModelRoutes from) {
            this.from = from;
        }

        OrderedList open() {
            if (open == null) {
                open = new OrderedList(from == null ? List.of() : from.open());
            }
            return open;
        }

        OrderedList restricted(String group) {
            return restricted.computeIfAbsent(
                    group,
                    g -> new OrderedList(
                            from == null ? List.of() : from.restricted().getOrDefault(g, List.of())));
        }

        /** The model's routes after the change, or null when no channel serves it any more. */
        ModelRoutes freeze() {
            List<ChannelRoute> openList = open != null ? open.freeze() : from != null ? from.open() : List.of();
            Map<String, List<ChannelRoute>> byGroup;
            if (restricted.isEmpty()) {
                byGroup = from != null ? from.restricted() : Map.of();
            } else {
                Map<String, List<ChannelRoute>> m = new HashMap<>(from == null ? Map.of() : from.restricted());
                restricted.forEach((g, list) -> {
                    List<ChannelRoute> l = list.freeze();
                    if (l.isEmpty()) {
                        m.remove(g);
                    } else {
                        m.put(g, l);
                    }
                });
                byGroup = Collections.unmodifiableMap(m);
            }
            return openList.isEmpty() && byGroup.isEmpty() ? null : new ModelRoutes(openList, byGroup);
        }
    }

    /**
     * A copy of a list in {@link #ORDER}: removals find their element by binary search while the list is still in
     * order; additions are appended and the list sorted once when frozen (a few appended to a sorted run cost one
     * merge).
     */
    private static final class OrderedList {

        private final ArrayList<ChannelRoute> items;
        private boolean sorted = true;

        OrderedList(List<ChannelRoute> from) {
            this.items = new ArrayList<>(from);
        }

        void add(ChannelRoute ch) {
            items.add(ch);
            sorted = false;
        }

        void remove(ChannelRoute ch) {
            if (sorted) {
                int i = Collections.binarySearch(items, ch, ORDER);
                if (i >= 0 && items.get(i).id().equals(ch.id())) {
                    items.remove(i);
                    return;
                }
            }
            for (int i = items.size() - 1; i >= 0; i--) {
                if (items.get(i).id().equals(ch.id())) {
                    items.remove(i);
                    return;
                }
            }
        }

        List<ChannelRoute> freeze() {
            if (!sorted) {
                items.sort(ORDER);
            }
            return Collections.unmodifiableList(items);
        }
    }
}
