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
 * ?}). Statements run in registration order, once, through a superuser connection; each registration's statements in
 * one transaction, retried when a service still writing makes one fail.
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
        List<List<String>> groups = new ArrayList<>();
        synchronized (SuiteCleanup.class) {
            groups.addAll(STATEMENTS.values());
            STATEMENTS.clear();
        }
        if (groups.isEmpty()) {
            return;
        }
        try (Connection c = RelayInfrastructure.get().adminConnection()) {
            for (List<String> group : groups) {
                runGroup(c, group);
            }
        }
    }

    /**
     * One registration's statements in one transaction, retried a few times: a service the tests started may still
     * be writing as they end (a debit arriving between the delete of a consumer's ledger rows and the delete of the
     * consumer). A group may lock what it deletes first ({@code SELECT ... FOR UPDATE}), so such writes wait for it.
     */
    private static void runGroup(Connection c, List<String> group) throws Exception {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    for (String sql : group) {
                        try (PreparedStatement ps = c.prepareStatement(sql)) {
                            int n = (int) sql.chars().filter(ch -> ch == '?').count();
                            for (int i = 1; i <= n; i++) {
                                ps.setTimestamp(i, Timestamp.from(STARTED));
                            }
                            ps.execute();
                        }
                    }
                    c.commit();
                    return;
                } catch (java.sql.SQLException e) {
                    c.rollback();
                    if (attempt >= 3) {
                        throw e;
                    }
                    Thread.sleep(500L * attempt);
                }
            }
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
