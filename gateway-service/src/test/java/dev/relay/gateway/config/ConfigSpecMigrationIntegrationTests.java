package dev.relay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.SealedSecret;
import dev.relay.gateway.routing.ChannelStatus;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * V7 against real PostgreSQL, in a schema of its own: rows written in the column-per-field form of V1..V6 are copied
 * into the {@code spec} column without loss, and {@link ConfigRepository} reads them back as the specs they were (the
 * migration runs in a session whose time zone is not UTC, as an instant's copy must not depend on it).
 */
@RelayIntegrationTest
class ConfigSpecMigrationIntegrationTests {

    static final String SCHEMA = "gateway_spec_migration_it";
    static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
    static DriverManagerDataSource ds;

    @BeforeAll
    static void schema(RelayInfrastructure infra) throws Exception {
        ds = new DriverManagerDataSource(infra.jdbcUrl(), infra.adminUser(), infra.adminPassword());
        ds.setSchema(SCHEMA);
        dropSchema();
    }

    @AfterAll
    static void dropSchema() throws Exception {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void v7CopiesEveryStoredFieldIntoTheSpecColumnAndTheRowsReadBackAsTheyWere() {
        migrate("6");
        JdbcClient jdbc = JdbcClient.create(ds);
        jdbc.sql("INSERT INTO client_group (id, name, models, status, managed_by, external_ref, version, created_at,"
                        + " updated_at) VALUES ('grp_1', 'all', '[\"*\"]', 'DISABLED', 'ops', 'g1', 3, :t, :t),"
                        + " ('grp_2', 'some', '[\"a\", \"b\"]', 'ENABLED', NULL, NULL, 1, :t, :t)")
                .param("t", java.sql.Timestamp.from(T))
                .update();
        jdbc.sql("INSERT INTO channel (id, name, protocol, base_url, credential_ciphertext, credential_key_id,"
                        + " credential_fingerprint, models, model_mapping, groups, priority, weight, extra_headers,"
                        + " connect_timeout_ms, first_byte_timeout_ms, total_timeout_ms, capabilities, dialect, status,"
                        + " status_reason, managed_by, external_ref, version, created_at, updated_at) VALUES"
                        + " ('ch_full', 'full', 'ANTHROPIC', 'https://api.example.com/v1', 'c1', 'old-key', 'sk-…1',"
                        + " '[\"b\", \"a\"]', '{\"a\": \"a-2024\"}', '[\"grp_2\"]', -2, 7, '{\"Host\": \"h.example\"}',"
                        + " 1000, 2000, 3000,"
                        + " '{\"chat\": true, \"streaming\": true, \"tools\": false, \"vision\": false,"
                        + " \"embeddings\": true, \"responses\": true, \"toolEmulation\": true, \"imageFallback\": true}',"
                        + " '{\"reasoning\": \"enable_thinking\", \"systemMessages\": \"leading\"}', 'AUTO_DISABLED',"
                        + " 'TIMEOUT: 3 in a row', 'ops', 'c1', 5, :t, :t),"
                        + " ('ch_min', 'min', 'OPENAI', 'https://x.example', 'c2', NULL, 'sk-…2', '[\"m\"]', DEFAULT,"
                        + " DEFAULT, DEFAULT, DEFAULT, DEFAULT, NULL, NULL, NULL, DEFAULT, DEFAULT, DEFAULT, NULL, NULL,"
                        + " NULL, 1, :t, :t)")
                .param("t", java.sql.Timestamp.from(T))
                .update();
        jdbc.sql("INSERT INTO client_key (id, group_id, name, key_hash, key_prefix, status, status_reason,"
                        + " status_until, expires_at, rate_limit_per_minute, managed_by, external_ref, version,"
                        + " created_at, updated_at) VALUES"
                        + " ('key_1', 'grp_1', 'k1', '\\x0a0b', 'rk-abc', 'EXHAUSTED', 'monthly budget',"
                        + " '2026-12-03T00:00:00.123456Z', '2031-06-30T23:59:59.654321Z', 60, 'ops', 'k1', 2, :t, :t),"
                        + " ('key_2', 'grp_2', 'k2', '\\x0c0d', 'rk-def', 'ENABLED', NULL, NULL, NULL, NULL, NULL,"
                        + " NULL, 1, :t, :t)")
                .param("t", java.sql.Timestamp.from(T))
                .update();

        migrate(null);

        ConfigRepository repository = new ConfigRepository(jdbc, "k1");
        ChannelRecord full = repository.findChannel("ch_full", false).orElseThrow();
        assertThat(full.spec())
                .isEqualTo(ConfigFixtures.channel("{\"name\": \"full\", \"protocol\": \"ANTHROPIC\","
                        + " \"baseUrl\": \"https://api.example.com/v1\", \"models\": [\"b\", \"a\"],"
                        + " \"modelMapping\": {\"a\": \"a-2024\"}, \"groups\": [\"grp_2\"], \"priority\": -2,"
                        + " \"weight\": 7, \"extraHeaders\": {\"Host\": \"h.example\"}, \"connectTimeoutMs\": 1000,"
                        + " \"firstByteTimeoutMs\": 2000, \"totalTimeoutMs\": 3000,"
                        + " \"capabilities\": {\"tools\": false, \"vision\": false, \"responses\": true,"
                        + " \"toolEmulation\": true, \"imageFallback\": true},"
                        + " \"dialect\": {\"reasoning\": \"enable_thinking\", \"systemMessages\": \"leading\"},"
                        + " \"status\": \"AUTO_DISABLED\", \"statusReason\": \"TIMEOUT: 3 in a row\","
                        + " \"managedBy\": \"ops\", \"externalRef\": \"c1\"}"));
        assertThat(full.credential()).isEqualTo(new SealedSecret("old-key", "c1", "sk-…1"));
        assertThat(full.version()).isEqualTo(5);
        assertThat(full.createdAt()).isEqualTo(T);

        ChannelRecord min = repository.findChannel("ch_min", false).orElseThrow();
        assertThat(min.spec())
                .isEqualTo(ConfigFixtures.channel("{\"name\": \"min\", \"protocol\": \"OPENAI\","
                        + " \"baseUrl\": \"https://x.example\", \"models\": [\"m\"]}"));
        assertThat(min.spec().status()).isEqualTo(ChannelStatus.ENABLED);
        assertThat(min.credential()).isEqualTo(new SealedSecret("k1", "c2", "sk-…2"));

        // the filters that looked into the dropped columns now look into spec
        assertThat(repository.listChannels(ConfigFilter.groupAndModel("grp_2", null)))
                .extracting(ChannelRecord::id)
                .containsExactly("ch_full");
        assertThat(repository.listChannels(ConfigFilter.groupAndModel(null, "m")))
                .extracting(ChannelRecord::id)
                .containsExactly("ch_min");
        assertThat(repository.channelsRestrictedTo("grp_2")).containsExactly("ch_full");

        assertThat(repository.findGroup("grp_1", false).orElseThrow().spec())
                .isEqualTo(new GroupSpec("all", List.of("*"), EntryStatus.DISABLED, "ops", "g1"));
        assertThat(repository.findGroup("grp_2", false).orElseThrow().spec())
                .isEqualTo(new GroupSpec("some", List.of("a", "b"), EntryStatus.ENABLED, null, null));

        KeyRecord exhausted = repository.findKey("key_1", false).orElseThrow();
        assertThat(exhausted.spec())
                .isEqualTo(new KeySpec(
                                "k1",
                                "grp_1",
                                KeyStatus.ENABLED,
                                Instant.parse("2031-06-30T23:59:59.654321Z"),
                                60,
                                "ops",
                                "k1",
                                null)
                        .exhausted("monthly budget", Instant.parse("2026-12-03T00:00:00.123456Z")));
        assertThat(exhausted.keyHash()).isEqualTo("0a0b");
        assertThat(exhausted.keyPrefix()).isEqualTo("rk-abc");
        assertThat(repository.findKey("key_2", false).orElseThrow().spec())
                .isEqualTo(new KeySpec("k2", "grp_2", KeyStatus.ENABLED, null, null, null, null, null));

        // and a row written now reads back as written
        ChannelRecord rewritten = new ChannelRecord(
                "ch_min",
                min.spec().withStatus(ChannelStatus.DISABLED, "by hand"),
                min.credential(),
                2,
                T,
                T.plusSeconds(1));
        repository.updateChannel(rewritten);
        assertThat(repository.findChannel("ch_min", false)).contains(rewritten);
        assertThat(jdbc.sql("SELECT (spec -> 'status') IS NOT NULL OR (spec -> 'credential') IS NOT NULL FROM channel"
                                + " WHERE id = 'ch_min'")
                        .query(Boolean.class)
                        .single())
                .isFalse();
    }

    /** Migrates the schema to {@code target} (null: the latest), in a session whose time zone is not UTC. */
    private static void migrate(String target) {
        var config = Flyway.configure()
                .dataSource(ds)
                .schemas(SCHEMA)
                .defaultSchema(SCHEMA)
                .createSchemas(true)
                .locations("classpath:db/migration")
                .initSql("SET TIME ZONE 'Asia/Kolkata'");
        if (target != null) {
            config.target(target);
        }
        config.load().migrate();
    }
}
