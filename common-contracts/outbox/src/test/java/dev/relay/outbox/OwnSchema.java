package dev.relay.outbox;

import dev.relay.testsupport.RelayInfrastructure;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A schema of a test's own on the real PostgreSQL, holding the outbox library's tables from its migration scripts, so
 * the test neither sees nor leaves anything in a service's schema. Recreated on {@link #create}, dropped on {@link
 * #drop}.
 */
final class OwnSchema {

    private OwnSchema() {}

    /** Drops and creates {@code schema}, runs the given {@code /db/relay-outbox/...} scripts in it. */
    static DriverManagerDataSource create(RelayInfrastructure infra, String schema, String... migrations)
            throws SQLException, IOException {
        DriverManagerDataSource ds =
                new DriverManagerDataSource(infra.jdbcUrl(), infra.adminUser(), infra.adminPassword());
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
            s.execute("SET search_path TO " + schema);
            for (String migration : migrations) {
                try (InputStream in = OwnSchema.class.getResourceAsStream("/db/relay-outbox/" + migration)) {
                    if (in == null) {
                        throw new IllegalArgumentException("no migration " + migration);
                    }
                    s.execute(new String(in.readAllBytes()));
                }
            }
        }
        return ds;
    }

    static void drop(DriverManagerDataSource ds, String schema) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
