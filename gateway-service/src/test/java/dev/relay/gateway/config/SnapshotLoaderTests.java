package dev.relay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.SealedSecret;
import dev.relay.contracts.SecretBox;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ClientKeys;
import dev.relay.gateway.routing.RoutingSnapshot;
import java.net.URI;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotLoaderTests {

    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void assemblesTheHotPathViewWithOpenedCredentialsAndNormalisedBases() {
        ChannelSpec spec = ConfigFixtures.deepSeekChannel();
        ChannelRecord ch = new ChannelRecord(
                "ch_1", spec.withCredential(null), ConfigFixtures.BOX.seal(spec.credential()), 4, T, T);
        GroupRecord all = new GroupRecord("grp_all", new GroupSpec("all", List.of("*"), null, null, null), 1, T, T);
        String plain = ClientKeys.generate();
        KeyRecord key = new KeyRecord(
                "key_1",
                new KeySpec("k", "grp_all", null, null, 60, null, null, null),
                ClientKeys.displayPrefix(plain),
                ClientKeys.hash(plain),
                1,
                T,
                T);

        RoutingSnapshot s =
                SnapshotLoader.assemble(9, List.of(ch), List.of(all), List.of(key), ConfigFixtures.BOX, c -> {});

        assertThat(s.version()).isEqualTo(9);
        ChannelRoute route = s.channel("ch_1").orElseThrow();
        assertThat(route.credential()).isEqualTo("sk-deepseek-secret-123456");
        assertThat(route.apiBase()).isEqualTo(URI.create("https://api.deepseek.com/v1"));
        assertThat(route.version()).isEqualTo(4);
        assertThat(s.keyByHash(ClientKeys.hash(plain)))
                .hasValueSatisfying(k -> assertThat(k.rateLimitPerMinute()).isEqualTo(60));
        assertThat(s.group("grp_all").orElseThrow().allows("anything")).isTrue();
        assertThat(s.modelsFor("grp_all")).containsExactly("deepseek-chat");
    }

    @Test
    void leavesOutAChannelWhoseCredentialDoesNotOpenInsteadOfFailingTheWholeSnapshot() {
        SecretBox other = SecretBox.fromBase64(
                "k1", Base64.getEncoder().encodeToString("ffffffffffffffffffffffffffffffff".getBytes()));
        ChannelSpec spec = ConfigFixtures.deepSeekChannel();
        SealedSecret foreign = other.seal("sk-x");
        ChannelRecord bad = new ChannelRecord("ch_bad", spec.withCredential(null), foreign, 1, T, T);
        ChannelRecord good =
                new ChannelRecord("ch_good", spec.withCredential(null), ConfigFixtures.BOX.seal("sk-good"), 1, T, T);

        List<ChannelRecord> leftOut = new java.util.ArrayList<>();
        RoutingSnapshot s =
                SnapshotLoader.assemble(1, List.of(bad, good), List.of(), List.of(), ConfigFixtures.BOX, leftOut::add);

        assertThat(s.channel("ch_bad")).isEmpty();
        assertThat(s.channel("ch_good")).isPresent();
        assertThat(leftOut).extracting(ChannelRecord::id).containsExactly("ch_bad");
    }

    @Test
    void aReloadReusesTheRouteOfEveryChannelWhoseVersionDidNotChange() {
        ChannelSpec spec = ConfigFixtures.deepSeekChannel();
        ChannelRecord v4 = new ChannelRecord(
                "ch_1", spec.withCredential(null), ConfigFixtures.BOX.seal(spec.credential()), 4, T, T);
        RoutingSnapshot first =
                SnapshotLoader.assemble(1, List.of(v4), List.of(), List.of(), ConfigFixtures.BOX, c -> {});
        ChannelRoute route = first.channel("ch_1").orElseThrow();

        RoutingSnapshot same = SnapshotLoader.assemble(
                2, List.of(v4), List.of(), List.of(), ConfigFixtures.BOX, c -> {}, first.channelsById());
        assertThat(same.channel("ch_1").orElseThrow()).isSameAs(route);

        ChannelRecord v5 = new ChannelRecord(
                "ch_1", spec.withCredential(null), ConfigFixtures.BOX.seal("sk-rotated-secret-123456"), 5, T, T);
        RoutingSnapshot changed = SnapshotLoader.assemble(
                3, List.of(v5), List.of(), List.of(), ConfigFixtures.BOX, c -> {}, first.channelsById());
        assertThat(changed.channel("ch_1").orElseThrow().credential()).isEqualTo("sk-rotated-secret-123456");
        assertThat(changed.channel("ch_1").orElseThrow().version()).isEqualTo(5);
    }
}
