package dev.relay.testsupport;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same topology in containers, for developers with a Docker engine: PostgreSQL 15 with logical decoding, an
 * Apache Kafka broker, and Debezium's Kafka Connect image. Bootstrapped with the same {@code infra/sql/schemas.sql}
 * and connector file as the local launcher. (Not exercised on the CI machines, which have no Docker engine.)
 */
final class ContainerInfrastructure extends RelayInfrastructure {

    private static final String DEBEZIUM_CONNECT = "quay.io/debezium/connect:3.7";

    private final Network network = Network.newNetwork();
    private PostgreSQLContainer postgres;
    private KafkaContainer kafka;
    private GenericContainer<?> connect;

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException ex) {
            return false;
        }
    }

    @Override
    protected void start() {
        postgres = new PostgreSQLContainer(DockerImageName.parse("postgres:15-alpine"))
                .withDatabaseName("relay")
                .withUsername("postgres")
                .withPassword("postgres")
                .withNetwork(network)
                .withNetworkAliases("postgres")
                .withCommand(
                        "postgres",
                        "-c",
                        "wal_level=logical",
                        "-c",
                        "max_replication_slots=10",
                        "-c",
                        "max_wal_senders=10");
        kafka = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.1"))
                .withNetwork(network)
                .withListener("kafka:19092");
        postgres.start();
        kafka.start();
        bootstrapDatabase();
        connect = new GenericContainer<>(DockerImageName.parse(DEBEZIUM_CONNECT))
                .withNetwork(network)
                .withExposedPorts(8083)
                .withEnv("BOOTSTRAP_SERVERS", "kafka:19092")
                .withEnv("GROUP_ID", "relay-connect")
                .withEnv("CONFIG_STORAGE_TOPIC", "_connect-configs")
                .withEnv("OFFSET_STORAGE_TOPIC", "_connect-offsets")
                .withEnv("STATUS_STORAGE_TOPIC", "_connect-status")
                .withEnv("CONNECT_CONFIG_PROVIDERS", "env")
                .withEnv(
                        "CONNECT_CONFIG_PROVIDERS_ENV_CLASS",
                        "org.apache.kafka.common.config.provider.EnvVarConfigProvider")
                .withEnv("RELAY_PG_HOST", "postgres")
                .withEnv("RELAY_PG_PORT", "5432")
                .withEnv("RELAY_CDC_PASSWORD", "relay")
                .waitingFor(Wait.forHttp("/connectors").forPort(8083).withStartupTimeout(Duration.ofMinutes(3)));
        connect.start();
        verifyReachable();
    }

    private void bootstrapDatabase() {
        try (Connection c = adminConnection();
                Statement s = c.createStatement()) {
            s.execute("SET relay.svc_password = 'relay'");
            s.execute("SET relay.cdc_password = 'relay'");
            s.execute(Files.readString(relayHome().resolve("infra/sql/schemas.sql")));
        } catch (SQLException | java.io.IOException ex) {
            throw new IllegalStateException("cannot bootstrap the relay database: " + ex.getMessage(), ex);
        }
    }

    @Override
    public String jdbcUrl() {
        return postgres.getJdbcUrl();
    }

    @Override
    public String adminUser() {
        return postgres.getUsername();
    }

    @Override
    public String adminPassword() {
        return postgres.getPassword();
    }

    @Override
    public String kafkaBootstrap() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String connectUrl() {
        return "http://" + connect.getHost() + ":" + connect.getMappedPort(8083);
    }

    @Override
    public void restartConnect() {
        connect.getDockerClient().restartContainerCmd(connect.getContainerId()).exec();
        pause(1000);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http(java.net.http.HttpRequest.newBuilder(java.net.URI.create(connectUrl() + "/connectors"))
                                        .GET()
                                        .build())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (RuntimeException ignored) {
                // restarting
            }
            pause(200);
        }
        throw new IllegalStateException("Kafka Connect container did not come back");
    }
}
