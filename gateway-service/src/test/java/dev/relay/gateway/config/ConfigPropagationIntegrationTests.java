package dev.relay.gateway.config;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.gateway.GatewayApplication;
import dev.relay.gateway.admin.AdminHttp;
import dev.relay.gateway.admin.AdminHttp.Response;
import dev.relay.gateway.routing.ChannelStatus;
import dev.relay.gateway.routing.SnapshotHolder;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Two gateway replicas on one database and one Kafka converge through the {@code gateway.config-changed} events: a
 * change made through replica A's admin API is in replica B's routing snapshot within a second of A's response. Both
 * replicas poll {@code config_version} only every 10 minutes here, so the event path alone must do it.
 */
@RelayIntegrationTest
@org.junit.jupiter.api.extension.ExtendWith(dev.relay.gateway.GatewayTestDataCleanup.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "relay.gateway.config-poll-interval=10m")
class ConfigPropagationIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(ConfigPropagationIntegrationTests.class);
    private static final String CREDENTIAL = "sk-propagation-secret-0123456789";
    private static ConfigurableApplicationContext replicaB;

    @DynamicPropertySource
    static void realInfrastructure(DynamicPropertyRegistry registry) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        registry.add("spring.datasource.url", infra::jdbcUrl);
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrap);
    }

    @BeforeAll
    static void startReplicaB() {
        replicaB = startReplica("it-replica-b-" + UUID.randomUUID());
    }

    private static ConfigurableApplicationContext startReplica(String replicaId) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        // command-line arguments: they outrank application.yml (builder "properties" are only defaults)
        return new SpringApplicationBuilder(GatewayApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.datasource.url=" + infra.jdbcUrl(),
                        "--spring.kafka.bootstrap-servers=" + infra.kafkaBootstrap(),
                        "--relay.gateway.config-poll-interval=10m",
                        "--relay.gateway.proxy.replica-id=" + replicaId);
    }

    @AfterAll
    static void stopReplicaB() {
        if (replicaB != null) {
            replicaB.close();
        }
    }

    @LocalServerPort
    int port;

    @Value("${relay.gateway.admin-token}")
    String adminToken;

    @Autowired
    ApplicationContext replicaA;

    AdminHttp adminA;
    AdminHttp adminB;
    String owner;

    @BeforeEach
    void bothReplicasListen() {
        adminA = new AdminHttp(port, adminToken);
        adminB = new AdminHttp(
                replicaB.getEnvironment().getRequiredProperty("local.server.port", Integer.class), adminToken);
        owner = "it-prop-" + UUID.randomUUID().toString().substring(0, 8);
        await().atMost(60, SECONDS).until(() -> assigned(replicaA) && assigned(replicaB));
    }

    @Test
    void aChannelChangedThroughReplicaAReachesReplicaBWithinASecondByEvent() {
        SnapshotHolder b = replicaB.getBean(SnapshotHolder.class);

        Response created = adminA.post("/admin/v1/channels", channelJson("c-1"));
        assertThat(created.status()).isEqualTo(201);
        String id = created.id();
        converges(b, created.configVersion());
        assertThat(b.get().channel(id)).hasValueSatisfying(ch -> {
            assertThat(ch.credential()).isEqualTo(CREDENTIAL);
            assertThat(ch.priority()).isZero();
        });

        Response updated = adminA.patch("/admin/v1/channels/" + id, "{\"priority\":4}", created.etag());
        converges(b, updated.configVersion());
        assertThat(b.get().channel(id).orElseThrow().priority()).isEqualTo(4);

        Response disabled = adminA.send("POST", "/admin/v1/channels/" + id + "/disable", null, updated.etag());
        converges(b, disabled.configVersion());
        assertThat(b.get().channel(id).orElseThrow().status()).isEqualTo(ChannelStatus.DISABLED);

        Response deleted = adminA.delete("/admin/v1/channels/" + id, null);
        converges(b, deleted.configVersion());
        assertThat(b.get().channel(id)).isEmpty();
    }

    @Test
    void theOtherReplicaLoadsOnlyWhatChangedAndEndsWithWhatAFullLoadReads() {
        SnapshotHolder b = replicaB.getBean(SnapshotHolder.class);
        MeterRegistry metrics = replicaB.getBean(MeterRegistry.class);
        double fullBefore = reloads(metrics, "full");
        double incrementalBefore = reloads(metrics, "incremental");

        Response group = adminA.post("/admin/v1/groups", groupJson("g-incremental"));
        Response channel = adminA.post("/admin/v1/channels", channelJson("c-incremental"));
        Response other = adminA.post("/admin/v1/channels", channelJson("c-incremental-2"));
        Response key = adminA.post(
                "/admin/v1/keys",
                "{\"name\":\"k\",\"groupId\":\"" + group.id() + "\",\"managedBy\":\"" + owner
                        + "\",\"externalRef\":\"k-incremental\"}");
        Response patched = adminA.patch("/admin/v1/channels/" + channel.id(), "{\"priority\":7}", channel.etag());
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        Response exhausted = adminA.send(
                "POST",
                "/admin/v1/keys/" + key.id() + "/exhaust",
                "{\"reason\":\"it\",\"until\":\"2099-01-01T00:00:00Z\"}",
                null);
        assertThat(exhausted.status()).as(exhausted.body()).isEqualTo(200);
        Response deleted = adminA.delete("/admin/v1/channels/" + other.id(), null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        converges(b, deleted.configVersion());
        // the edge's own writer of channel state (the health store) logs its change like the admin API does
        replicaA.getBean(dev.relay.gateway.health.ChannelHealthStore.class)
                .autoDisable(channel.id(), dev.relay.contracts.FailureClass.AUTH_INVALID, "it");
        await().atMost(5, SECONDS)
                .until(() -> b.get().channel(channel.id()).orElseThrow().status() == ChannelStatus.AUTO_DISABLED);

        assertThat(b.get().channel(channel.id()).orElseThrow().priority()).isEqualTo(7);
        assertThat(b.get().channel(other.id())).isEmpty();
        assertThat(b.get().keys().stream().filter(k -> k.id().equals(key.id())).findFirst())
                .hasValueSatisfying(k -> assertThat(k.exhausted()).isNotNull());
        sameAsAFullLoad(b);
        assertThat(reloads(metrics, "incremental")).isGreaterThan(incrementalBefore);
        assertThat(reloads(metrics, "full"))
                .as("no full load while every version is in the change log")
                .isEqualTo(fullBefore);

        // a version bumped without a log row (by hand): the replica cannot know what changed, so it reads everything
        JdbcClient jdbc = replicaA.getBean(JdbcClient.class);
        jdbc.sql("UPDATE config_version SET version = version + 1 WHERE id = 1").update();
        Response renamed = adminA.patch("/admin/v1/groups/" + group.id(), "{\"name\":\"g2\"}", group.etag());
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        converges(b, renamed.configVersion());
        assertThat(reloads(metrics, "full")).isGreaterThan(fullBefore);
        assertThat(b.get().group(group.id()).orElseThrow().name()).isEqualTo("g2");
        sameAsAFullLoad(b);
    }

    /** The replica's snapshot holds exactly what a full read of the database at its version builds. */
    private void sameAsAFullLoad(SnapshotHolder replica) {
        ConfigRepository repository = replicaA.getBean(ConfigRepository.class);
        org.springframework.transaction.support.TransactionTemplate tx =
                new org.springframework.transaction.support.TransactionTemplate(
                        replicaA.getBean(org.springframework.transaction.PlatformTransactionManager.class));
        tx.setIsolationLevel(org.springframework.transaction.TransactionDefinition.ISOLATION_REPEATABLE_READ);
        // another replica's background work may bump the version meanwhile: compare once both are at one version
        await().atMost(5, SECONDS).untilAsserted(() -> {
            dev.relay.gateway.routing.RoutingSnapshot full = tx.execute(st -> SnapshotLoader.assemble(
                    repository.currentVersion(),
                    repository.listChannels(ConfigFilter.NONE),
                    repository.listGroups(ConfigFilter.NONE),
                    repository.listKeys(ConfigFilter.NONE),
                    replicaA.getBean(dev.relay.contracts.SecretBox.class),
                    c -> {}));
            dev.relay.gateway.routing.RoutingSnapshot snapshot = replica.get();
            assertThat(snapshot.version()).isEqualTo(full.version());
            assertThat(snapshot.channelsById()).isEqualTo(full.channelsById());
            assertThat(snapshot.groups()).isEqualTo(full.groups());
            assertThat(snapshot.keysByHash()).isEqualTo(full.keysByHash());
        });
    }

    private static double reloads(MeterRegistry registry, String kind) {
        return registry.find(SnapshotLoader.RELOADS_METRIC).tag("kind", kind).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    @Test
    void aKeyCreatedThroughReplicaBAuthenticatesOnReplicaAWithinASecond() {
        SnapshotHolder a = replicaA.getBean(SnapshotHolder.class);
        Response group = adminB.post(
                "/admin/v1/groups",
                "{\"name\":\"g\",\"models\":[\"*\"],\"managedBy\":\"" + owner + "\",\"externalRef\":\"g\"}");
        Response key = adminB.post(
                "/admin/v1/keys",
                "{\"name\":\"k\",\"groupId\":\"" + group.id() + "\",\"managedBy\":\"" + owner
                        + "\",\"externalRef\":\"k\"}");
        assertThat(key.status()).isEqualTo(201);
        String plain = key.json().get("key").stringValue();

        converges(a, key.configVersion());
        assertThat(a.get().keyByHash(dev.relay.gateway.routing.ClientKeys.hash(plain)))
                .hasValueSatisfying(k -> assertThat(k.groupId()).isEqualTo(group.id()));
    }

    @Test
    void listsEveryLiveReplicaWithTheConfigVersionItServesAndForgetsOneThatStopped() {
        String idA = replicaA.getBean(ReplicaId.class).value();
        String idB = replicaB.getBean(ReplicaId.class).value();
        Response group = adminA.post("/admin/v1/groups", groupJson("g-replicas"));
        long version = group.configVersion();

        // the replica that answered reports the change before its response; the other one as soon as it installs it
        Map<String, JsonNode> rows = replicas(adminB.get("/admin/v1/config/replicas"));
        assertThat(rows.get(idA).get("configVersion").longValue()).isGreaterThanOrEqualTo(version);
        await().atMost(2, SECONDS).untilAsserted(() -> {
            Response r = adminA.get("/admin/v1/config/replicas");
            assertThat(r.json().get("configVersion").longValue()).isGreaterThanOrEqualTo(version);
            Map<String, JsonNode> now = replicas(r);
            assertThat(now).containsKeys(idA, idB);
            for (JsonNode row : List.of(now.get(idA), now.get(idB))) {
                assertThat(row.get("configVersion").longValue()).isGreaterThanOrEqualTo(version);
                assertThat(Instant.parse(row.get("startedAt").stringValue()))
                        .isBeforeOrEqualTo(Instant.parse(row.get("lastSeenAt").stringValue()));
            }
        });

        // not seen within the TTL: not listed; not seen for an hour: deleted by the next heartbeat
        JdbcClient jdbc = replicaA.getBean(JdbcClient.class);
        String stale = "it-stale-" + UUID.randomUUID();
        String dead = "it-dead-" + UUID.randomUUID();
        jdbc.sql("INSERT INTO replica VALUES (:s, 1, now() - interval '2 hours', now() - interval '1 minute'),"
                        + " (:d, 1, now() - interval '3 hours', now() - interval '2 hours')")
                .param("s", stale)
                .param("d", dead)
                .update();
        assertThat(replicas(adminA.get("/admin/v1/config/replicas"))).doesNotContainKeys(stale, dead);
        replicaA.getBean(ReplicaHeartbeat.class).beat();
        assertThat(jdbc.sql("SELECT replica_id FROM replica WHERE replica_id IN (:s, :d)")
                        .param("s", stale)
                        .param("d", dead)
                        .query(String.class)
                        .list())
                .containsExactly(stale);
        jdbc.sql("DELETE FROM replica WHERE replica_id = :s").param("s", stale).update();

        // a replica shut down gracefully takes its row with it
        ConfigurableApplicationContext replicaC = startReplica("it-replica-c-" + UUID.randomUUID());
        String idC = replicaC.getBean(ReplicaId.class).value();
        assertThat(replicas(adminA.get("/admin/v1/config/replicas"))).containsKey(idC);
        replicaC.close();
        assertThat(replicas(adminA.get("/admin/v1/config/replicas"))).doesNotContainKey(idC);
    }

    @Test
    void fiftyConcurrentCreatesCostFarFewerReloadsThanChangesAndEveryReplicaServesThemAll() {
        int n = 50;
        SnapshotHolder a = replicaA.getBean(SnapshotHolder.class);
        SnapshotHolder b = replicaB.getBean(SnapshotHolder.class);
        double reloadsA = reloads(replicaA);
        double reloadsB = reloads(replicaB);

        List<CompletableFuture<long[]>> calls = IntStream.range(0, n)
                .mapToObj(i -> adminA.postAsync("/admin/v1/groups", groupJson("g-burst-" + i))
                        .thenApply(r -> {
                            assertThat(r.status()).as(r.body()).isEqualTo(201);
                            // read-your-writes: replica A served the change when its response arrived
                            return new long[] {r.configVersion(), a.get().version()};
                        }))
                .toList();
        List<long[]> versions = calls.stream().map(CompletableFuture::join).toList();
        assertThat(versions).allSatisfy(v -> assertThat(v[1]).isGreaterThanOrEqualTo(v[0]));
        long newest = versions.stream().mapToLong(v -> v[0]).max().orElseThrow();

        converges(b, newest);
        List<String> ids = adminA.get("/admin/v1/groups?managedBy=" + owner).json().get("data").values().stream()
                .map(g -> g.get("id").stringValue())
                .toList();
        assertThat(ids).hasSize(n);
        assertThat(ids).allSatisfy(id -> {
            assertThat(a.get().group(id)).isPresent();
            assertThat(b.get().group(id)).isPresent();
        });

        double onA = reloads(replicaA) - reloadsA;
        double onB = reloads(replicaB) - reloadsB;
        log.info("{} concurrent creates: {} reloads on the replica that served them, {} on the other", n, onA, onB);
        assertThat(onA).isLessThan(n);
        assertThat(onB).isLessThanOrEqualTo(n / 3.0);
    }

    private static double reloads(ApplicationContext context) {
        return context.getBean(MeterRegistry.class).find(SnapshotLoader.RELOADS_METRIC).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private static Map<String, JsonNode> replicas(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, JsonNode> byId = new HashMap<>();
        r.json()
                .get("data")
                .values()
                .forEach(row -> byId.put(row.get("replicaId").stringValue(), row));
        return byId;
    }

    private String groupJson(String ref) {
        return "{\"name\":\"" + ref + "\",\"models\":[\"*\"],\"managedBy\":\"" + owner + "\",\"externalRef\":\"" + ref
                + "\"}";
    }

    /**
     * Waits at most one second, measured from the admin response that produced {@code version}, for the replica's
     * snapshot to reach it.
     */
    private static void converges(SnapshotHolder replica, long version) {
        long started = System.nanoTime();
        // the replicas poll every 10 minutes: converging within seconds proves the event path (the time is logged)
        await().atMost(5, SECONDS)
                .pollInterval(5, MILLISECONDS)
                .until(() -> replica.get().version() >= version);
        log.info("replica converged on config version {} in {} ms", version, (System.nanoTime() - started) / 1_000_000);
    }

    private static boolean assigned(ApplicationContext context) {
        MessageListenerContainer c = context.getBean(KafkaListenerEndpointRegistry.class)
                .getListenerContainer(ConfigChangeListener.LISTENER_ID);
        Collection<TopicPartition> partitions = c == null ? null : c.getAssignedPartitions();
        return partitions != null && !partitions.isEmpty();
    }

    private String channelJson(String ref) {
        return "{\"name\":\"prop\",\"protocol\":\"OPENAI\",\"baseUrl\":\"https://api.example.com/v1\","
                + "\"credential\":\"" + CREDENTIAL + "\",\"models\":[\"prop-model\"],"
                + "\"managedBy\":\"" + owner + "\",\"externalRef\":\"" + ref + "\"}";
    }
}
