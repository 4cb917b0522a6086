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
import java.util.Collection;
import java.util.UUID;
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
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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
    static void startReplicaB(RelayInfrastructure infra) {
        replicaB = new SpringApplicationBuilder(GatewayApplication.class)
                .properties(
                        "server.port=0",
                        "spring.datasource.url=" + infra.jdbcUrl(),
                        "spring.kafka.bootstrap-servers=" + infra.kafkaBootstrap(),
                        "relay.gateway.config-poll-interval=10m")
                .run();
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

    /**
     * Waits at most one second, measured from the admin response that produced {@code version}, for the replica's
     * snapshot to reach it.
     */
    private static void converges(SnapshotHolder replica, long version) {
        long started = System.nanoTime();
        await().atMost(1, SECONDS)
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
