package dev.relay.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.Protocol;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The snapshot's per-model, per-group index against the plain definition (every channel filtered by model, group and
 * status, sorted by priority then id), both for snapshots built from scratch and for ones reached by thousands of
 * random incremental changes.
 */
public class RoutingSnapshotTests {

    private static final List<String> MODELS = List.of("m0", "m1", "m2", "m3");
    private static final List<String> GROUPS = List.of("g0", "g1", "g2", "g3", "g4");

    public static ChannelRoute channel(
            String id, Set<String> models, Set<String> groups, int priority, ChannelStatus status) {
        return new ChannelRoute(
                id,
                id,
                Protocol.OPENAI,
                URI.create("http://u/v1"),
                "secret",
                models,
                Map.of(),
                groups,
                priority,
                1,
                Map.of(),
                null,
                null,
                null,
                null,
                null,
                status,
                1);
    }

    /** The definition the index must agree with. */
    private static List<ChannelRoute> expectedCandidates(Map<String, ChannelRoute> all, String model, String group) {
        return all.values().stream()
                .filter(c -> c.models().contains(model) && c.servesGroup(group) && c.enabled())
                .sorted(Comparator.comparingInt(ChannelRoute::priority)
                        .reversed()
                        .thenComparing(ChannelRoute::id))
                .toList();
    }

    private static List<String> expectedModels(
            Map<String, ChannelRoute> all, Map<String, GroupEntry> groups, String group) {
        GroupEntry g = groups.get(group);
        if (g == null || !g.enabled()) {
            return List.of();
        }
        TreeSet<String> out = new TreeSet<>();
        for (ChannelRoute c : all.values()) {
            for (String m : c.models()) {
                if (g.allows(m) && c.enabled() && c.servesGroup(group)) {
                    out.add(m);
                }
            }
        }
        return List.copyOf(out);
    }

    private static void assertAgrees(
            RoutingSnapshot s,
            Map<String, ChannelRoute> all,
            Map<String, GroupEntry> groups,
            Map<String, ClientKeyEntry> keys) {
        for (String m : List.of("m0", "m1", "m2", "m3", "unknown")) {
            boolean known = all.values().stream().anyMatch(c -> c.models().contains(m));
            assertThat(s.knowsModel(m)).as("knows %s", m).isEqualTo(known);
            for (String g : GROUPS) {
                assertThat(s.candidates(m, g).stream().map(ChannelRoute::id).toList())
                        .as("candidates %s/%s", m, g)
                        .isEqualTo(expectedCandidates(all, m, g).stream()
                                .map(ChannelRoute::id)
                                .toList());
            }
        }
        for (String g : GROUPS) {
            assertThat(s.modelsFor(g)).as("models for %s", g).isEqualTo(expectedModels(all, groups, g));
        }
        assertThat(s.channelsById()).isEqualTo(all);
        assertThat(s.keysByHash()).isEqualTo(keys);
        assertThat(s.groups()).containsExactlyInAnyOrderElementsOf(groups.values());
    }

    private static Set<String> pick(Random r, List<String> from, int max) {
        Set<String> out = new HashSet<>();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            out.add(from.get(r.nextInt(from.size())));
        }
        return out;
    }

    private static ChannelRoute randomChannel(Random r, String id) {
        Set<String> models = pick(r, MODELS, 2);
        if (models.isEmpty()) {
            models = Set.of(MODELS.get(r.nextInt(MODELS.size())));
        }
        Set<String> groups = r.nextInt(3) == 0 ? Set.of() : pick(r, GROUPS, 2);
        ChannelStatus status = r.nextInt(5) == 0 ? ChannelStatus.DISABLED : ChannelStatus.ENABLED;
        return channel(id, models, groups, r.nextInt(3), status);
    }

    private static GroupEntry randomGroup(Random r, String id) {
        boolean all = r.nextInt(3) == 0;
        return new GroupEntry(id, id, all ? Set.of() : pick(r, MODELS, 3), all, r.nextInt(6) != 0);
    }

    @Test
    void incrementalChangesAgreeWithTheDefinitionAndWithAFullBuild() {
        Random r = new Random(42);
        Map<String, ChannelRoute> channels = new LinkedHashMap<>();
        Map<String, GroupEntry> groups = new HashMap<>();
        Map<String, ClientKeyEntry> keys = new HashMap<>();
        RoutingSnapshot s = RoutingSnapshot.EMPTY;
        for (int step = 1; step <= 400; step++) {
            RoutingSnapshot before = s;
            Map<String, ChannelRoute> channelsBefore = new HashMap<>(channels);
            RoutingSnapshot.Change c = s.change();
            int ops = 1 + r.nextInt(8);
            for (int i = 0; i < ops; i++) {
                int what = r.nextInt(10);
                String id = "ch" + r.nextInt(60);
                if (what < 5) {
                    ChannelRoute ch = randomChannel(r, id);
                    channels.put(id, ch);
                    c.putChannel(ch);
                } else if (what < 7) {
                    channels.remove(id);
                    c.removeChannel(id);
                } else if (what < 9) {
                    String g = GROUPS.get(r.nextInt(GROUPS.size()));
                    if (r.nextInt(4) == 0) {
                        groups.remove(g);
                        c.removeGroup(g);
                    } else {
                        GroupEntry ge = randomGroup(r, g);
                        groups.put(g, ge);
                        c.putGroup(ge);
                    }
                } else {
                    String kid = "k" + r.nextInt(6);
                    if (r.nextBoolean()) {
                        keys.values().removeIf(k -> k.id().equals(kid));
                        c.removeKey(kid);
                    } else {
                        String hash = "h" + r.nextInt(4) + kid; // a key's hash may change (a new secret)
                        keys.values().removeIf(k -> k.id().equals(kid));
                        ClientKeyEntry k = new ClientKeyEntry(kid, kid, "g0", true, null, null);
                        keys.put(hash, k);
                        c.putKey(hash, k);
                    }
                }
            }
            s = c.build(step);
            assertThat(s.version()).isEqualTo(step);
            assertAgrees(s, channels, groups, keys);
            // the base snapshot is untouched by the change built on it
            assertThat(before.channelsById()).isEqualTo(channelsBefore);
            if (step % 50 == 0) {
                assertAgrees(
                        new RoutingSnapshot(step, new ArrayList<>(channels.values()), groups.values(), keys),
                        channels,
                        groups,
                        keys);
            }
        }
    }

    @Test
    void aGroupSeesOnlyItsOwnAndOpenChannelsInRoutingOrder() {
        ChannelRoute open = channel("a-open", Set.of("m"), Set.of(), 1, ChannelStatus.ENABLED);
        ChannelRoute mineHigh = channel("b-mine", Set.of("m"), Set.of("g1"), 5, ChannelStatus.ENABLED);
        ChannelRoute mineLow = channel("c-mine", Set.of("m"), Set.of("g1", "g2"), 0, ChannelStatus.ENABLED);
        ChannelRoute other = channel("d-other", Set.of("m"), Set.of("g2"), 9, ChannelStatus.ENABLED);
        ChannelRoute off = channel("e-off", Set.of("m"), Set.of("g1"), 9, ChannelStatus.DISABLED);
        RoutingSnapshot s = new RoutingSnapshot(
                1,
                List.of(other, off, mineLow, open, mineHigh),
                List.of(new GroupEntry("g1", "g1", Set.of(), true, true)),
                Map.of());
        assertThat(s.candidates("m", "g1")).containsExactly(mineHigh, open, mineLow);
        assertThat(s.candidates("m", "g3")).containsExactly(open);
        assertThat(s.modelsFor("g1")).containsExactly("m");
        RoutingSnapshot removed = s.change().removeChannel("a-open").build(2);
        assertThat(removed.candidates("m", "g3")).isEmpty();
        assertThat(removed.knowsModel("m")).isTrue();
        assertThat(s.candidates("m", "g3")).containsExactly(open);
        RoutingSnapshot none = removed.change()
                .removeChannel("b-mine")
                .removeChannel("c-mine")
                .removeChannel("d-other")
                .removeChannel("e-off")
                .build(3);
        assertThat(none.knowsModel("m")).isFalse();
        assertThat(none.modelsFor("g1")).isEmpty();
    }
}
