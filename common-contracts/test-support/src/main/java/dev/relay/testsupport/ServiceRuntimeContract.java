package dev.relay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What every Relay service must do at runtime, checked against the real infrastructure with the service's own
 * database role: liveness and readiness probes, Prometheus metrics, Flyway migrations in its own schema only, and an
 * outbox event relayed by the production Debezium connector ({@code infra/connect/relay-outbox.json}) to its topic.
 *
 * <p>Subclasses are {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} tests of one service.
 */
@RelayIntegrationTest
public abstract class ServiceRuntimeContract {

    @Value("${local.server.port}")
    protected int port;

    @DynamicPropertySource
    static void realInfrastructure(DynamicPropertyRegistry registry) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        registry.add("spring.datasource.url", infra::jdbcUrl);
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrap);
    }

    /** The service's schema, e.g. {@code imports}. */
    protected abstract String schema();

    /** The service's database role, e.g. {@code relay_import}. */
    protected abstract String role();

    /** The value of the {@code service} metrics tag. */
    protected abstract String serviceName();

    /** Writes one event through the service's outbox in a committed transaction. */
    protected abstract WrittenEvent writeEventThroughOutbox();

    /** An event written to the outbox: its id and the topic it must arrive on. */
    public record WrittenEvent(UUID id, String topic, String key) {}

    @Test
    void reportsLiveAndReady() {
        assertThat(get("/actuator/health/liveness")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"UP\"");
        });
        assertThat(get("/actuator/health/readiness")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"UP\"");
        });
    }

    @Test
    void exposesPrometheusMetricsTaggedWithTheService() {
        HttpResponse<String> r = get("/actuator/prometheus");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("jvm_memory_used_bytes").contains("service=\"" + serviceName() + "\"");
    }

    @Test
    void migratesOnlyItsOwnSchemaAsItsOwnRole() throws SQLException {
        try (Connection c = RelayInfrastructure.get().adminConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT schemaname, tableowner FROM pg_tables WHERE tablename IN ('outbox', 'inbox')"
                                + " AND tableowner = ?")) {
            ps.setString(1, role());
            List<String> schemas = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
            assertThat(schemas).containsExactly(schema(), schema());
        }
    }

    /** Debezium's publication carries the service's outbox and no other table of its schema (no ledger, no state). */
    @Test
    void publishesOnlyItsOutboxTable() throws SQLException {
        try (Connection c = RelayInfrastructure.get().adminConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tablename FROM pg_publication_tables"
                        + " WHERE pubname = 'relay_outbox' AND schemaname = ?")) {
            ps.setString(1, schema());
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).containsExactly("outbox");
        }
    }

    @Test
    void relaysAnOutboxEventThroughDebeziumToItsTopic() {
        WrittenEvent written = writeEventThroughOutbox();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RelayInfrastructure.get().kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + serviceName() + "-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        ConsumerRecord<String, String> found = null;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(written.topic()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (found == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    Header id = r.headers().lastHeader("id");
                    if (id != null && written.id().toString().equals(new String(id.value(), StandardCharsets.UTF_8))) {
                        found = r;
                    }
                }
            }
        }
        assertThat(found).as("event %s on %s", written.id(), written.topic()).isNotNull();
        assertThat(found.key()).isEqualTo(written.key());
        assertThat(found.value()).contains(written.id().toString());
    }

    protected HttpResponse<String> get(String path) {
        return RelayInfrastructure.http(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET()
                .build());
    }
}
