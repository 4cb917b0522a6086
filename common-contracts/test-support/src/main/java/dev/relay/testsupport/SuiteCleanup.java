package dev.relay.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Deletes, when the test run of a module ends, what its integration tests wrote into the shared development database,
 * so the machine's database does not grow with every run. Each registered statement gets one parameter, the instant
 * the run started, and deletes what was created since (e.g. {@code DELETE FROM imports.import_run WHERE created_at >=
 * ?}). Statements run in registration order, once, through a superuser connection.
 *
 * <p>Limitation, said out loud: rows another process creates in those tables while the tests run (a system started
 * with {@code infra/relay up} at the same time) are deleted too.
 */
public final class SuiteCleanup implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SuiteCleanup.class);
    /** When this test JVM started: every row a test of this run created is younger. */
    private static final Instant STARTED = Instant.ofEpochMilli(
            java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());

    private static final Map<String, List<String>> STATEMENTS = new LinkedHashMap<>();

    private SuiteCleanup() {}

    /** Registers statements (run at the end of the module's test run) under a name; the first registration wins. */
    public static synchronized void register(ExtensionContext context, String name, String... statements) {
        STATEMENTS.putIfAbsent(name, List.of(statements));
        context.getRoot().getStore(NS).getOrComputeIfAbsent(SuiteCleanup.class, k -> new SuiteCleanup());
    }

    @Override
    public void close() throws Exception {
        List<String> all = new ArrayList<>();
        synchronized (SuiteCleanup.class) {
            STATEMENTS.values().forEach(all::addAll);
            STATEMENTS.clear();
        }
        if (all.isEmpty()) {
            return;
        }
        try (Connection c = RelayInfrastructure.get().adminConnection()) {
            for (String sql : all) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    if (sql.contains("?")) {
                        ps.setTimestamp(1, Timestamp.from(STARTED));
                    }
                    ps.executeUpdate();
                }
            }
        }
    }
}
