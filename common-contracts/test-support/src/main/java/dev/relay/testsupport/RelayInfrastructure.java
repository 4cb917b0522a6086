package dev.relay.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The real infrastructure integration tests run against: PostgreSQL (logical decoding on), a Kafka broker and a Kafka
 * Connect worker with the Debezium PostgreSQL connector.
 *
 * <p>Where it comes from: with a Docker engine, Testcontainers ({@link ContainerInfrastructure}); otherwise the
 * processes {@code infra/relay} started on loopback, addressed by the system properties {@code it.jdbc.url},
 * {@code it.kafka.bootstrap}, {@code it.connect.url} (defaults: the launcher's ports). {@code infra/relay test}
 * starts them before the build and stops them afterwards. Nothing here is an in-memory stand-in.
 */
public abstract class RelayInfrastructure {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static volatile RelayInfrastructure instance;

    /** The process-wide instance (started once per test JVM). */
    public static RelayInfrastructure get() {
        RelayInfrastructure i = instance;
        if (i == null) {
            synchronized (RelayInfrastructure.class) {
                i = instance;
                if (i == null) {
                    i = ContainerInfrastructure.dockerAvailable() && !Boolean.getBoolean("it.local")
                            ? new ContainerInfrastructure()
                            : new LocalInfrastructure();
                    i.start();
                    instance = i;
                }
            }
        }
        return i;
    }

    protected abstract void start();

    /** JDBC URL of database {@code relay}. */
    public abstract String jdbcUrl();

    public abstract String adminUser();

    public abstract String adminPassword();

    public abstract String kafkaBootstrap();

    public abstract String connectUrl();

    /** Stops and starts the Kafka Connect worker, returning once it is healthy again. */
    public abstract void restartConnect();

    /** A superuser connection to database {@code relay}. */
    public Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), adminUser(), adminPassword());
    }

    /** Spring properties for a test context writing to {@code schema} as the superuser. */
    public void registerSpringProperties(DynamicPropertyRegistry registry, String schema) {
        registry.add("spring.datasource.url", this::jdbcUrl);
        registry.add("spring.datasource.username", this::adminUser);
        registry.add("spring.datasource.password", this::adminPassword);
        registry.add("spring.datasource.hikari.schema", () -> schema);
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.default-schema", () -> schema);
        registry.add("spring.kafka.bootstrap-servers", this::kafkaBootstrap);
        registry.add("relay.outbox.schema", () -> schema);
    }

    /**
     * Makes {@code schema} publishable by Debezium: the schema itself, read rights for the CDC role, and a
     * publication {@code relay_outbox_<schema>} over it (inserts only), so a test connector can stream its outbox.
     */
    public void prepareOutboxSchema(String schema) {
        requirePlainName(schema);
        try (Connection c = adminConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("GRANT USAGE ON SCHEMA " + schema + " TO relay_cdc");
            s.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schema + " GRANT SELECT ON TABLES TO relay_cdc");
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO relay_cdc");
            String pub = "relay_outbox_" + schema;
            s.execute("DO $$ BEGIN"
                    + " IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = '" + pub + "') THEN"
                    + "   CREATE PUBLICATION " + pub + " FOR TABLES IN SCHEMA " + schema + " WITH (publish = 'insert');"
                    + " ELSIF NOT EXISTS (SELECT FROM pg_publication_namespace pn JOIN pg_publication p"
                    + "   ON p.oid = pn.pnpubid WHERE p.pubname = '" + pub + "' AND pn.pnnspid = '" + schema
                    + "'::regnamespace) THEN"
                    + "   ALTER PUBLICATION " + pub + " ADD TABLES IN SCHEMA " + schema + ";"
                    + " END IF; END $$");
        } catch (SQLException ex) {
            throw new IllegalStateException("cannot prepare schema " + schema + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Registers (idempotently) a Debezium outbox connector for {@code schema}, built from the versioned
     * {@code infra/connect/relay-outbox.json} with only what isolates it overridden: name, slot, publication, table
     * list, topic prefix, and the routed topic ({@code it.<schema>.<aggregatetype>} instead of
     * {@code relay.<aggregatetype>}). Returns the connector name once its task is RUNNING.
     */
    public String registerOutboxConnector(String schema) {
        requirePlainName(schema);
        String name = "relay-outbox-" + schema.replace('_', '-');
        try {
            ObjectNode config = (ObjectNode) JSON.readTree(Files.readString(connectorFile()));
            config.put("slot.name", "relay_outbox_" + schema);
            config.put("publication.name", "relay_outbox_" + schema);
            config.put("table.include.list", schema + ".outbox");
            config.put("topic.prefix", "relayit_" + schema);
            config.put("transforms.outbox.route.topic.replacement", topicPrefix(schema) + "${routedByValue}");
            HttpResponse<String> put =
                    http(HttpRequest.newBuilder(URI.create(connectUrl() + "/connectors/" + name + "/config"))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(config.toString()))
                            .build());
            if (put.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        "registering " + name + " failed: " + put.statusCode() + " " + put.body());
            }
        } catch (IOException ex) {
            throw new IllegalStateException("cannot read connector config " + connectorFile(), ex);
        }
        awaitConnectorRunning(name, Duration.ofSeconds(120));
        return name;
    }

    /** Topic prefix of the test connector for {@code schema}: {@code it.<schema>.}. */
    public static String topicPrefix(String schema) {
        return "it." + schema + ".";
    }

    public void awaitConnectorRunning(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r =
                        http(HttpRequest.newBuilder(URI.create(connectUrl() + "/connectors/" + name + "/status"))
                                .GET()
                                .build());
                last = r.body();
                if (r.statusCode() == 200 && last.split("\"state\":\"RUNNING\"", -1).length - 1 >= 2) {
                    return;
                }
                if (last.contains("\"state\":\"FAILED\"")) {
                    throw new IllegalStateException("connector " + name + " FAILED: " + last);
                }
            } catch (IllegalStateException ex) {
                throw ex;
            } catch (RuntimeException ignored) {
                // worker restarting: keep polling
            }
            pause(200);
        }
        throw new IllegalStateException("connector " + name + " not RUNNING after " + timeout + ": " + last);
    }

    public Admin kafkaAdmin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap());
        return Admin.create(p);
    }

    /** Fails with a message naming the fix when a piece is not reachable. */
    protected void verifyReachable() {
        try (Connection c = adminConnection()) {
            c.isValid(5);
        } catch (SQLException ex) {
            throw unreachable("PostgreSQL at " + jdbcUrl(), ex);
        }
        try (Admin admin = kafkaAdmin()) {
            admin.describeCluster().clusterId().get(15, TimeUnit.SECONDS);
        } catch (Exception ex) {
            throw unreachable("Kafka at " + kafkaBootstrap(), ex);
        }
        try {
            if (http(HttpRequest.newBuilder(URI.create(connectUrl() + "/health"))
                                    .GET()
                                    .build())
                            .statusCode()
                    != 200) {
                throw unreachable("Kafka Connect at " + connectUrl(), null);
            }
        } catch (RuntimeException ex) {
            throw unreachable("Kafka Connect at " + connectUrl(), ex);
        }
    }

    private static IllegalStateException unreachable(String what, Exception cause) {
        return new IllegalStateException(
                what + " is not reachable. Integration tests need the real infrastructure:"
                        + " run them with `infra/relay test` (or start it with `infra/relay infra-up`).",
                cause);
    }

    static Path relayHome() {
        String home = System.getProperty("it.relay.home");
        Path p = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("infra/relay"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (infra/relay); set -Dit.relay.home");
        }
        return p;
    }

    static Path connectorFile() {
        return relayHome().resolve("infra/connect/relay-outbox.json");
    }

    public static HttpResponse<String> http(HttpRequest request) {
        try (HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new IllegalStateException(request.uri() + ": " + ex, ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static void requirePlainName(String schema) {
        if (!schema.matches("[a-z_][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("not a plain schema name: " + schema);
        }
    }
}
