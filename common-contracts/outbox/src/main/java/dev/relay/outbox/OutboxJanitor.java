package dev.relay.outbox;

import java.sql.Timestamp;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Deletes outbox and inbox rows older than the retention; bounded batches so it never holds long locks. */
public class OutboxJanitor {

    private static final Logger log = LoggerFactory.getLogger(OutboxJanitor.class);
    private static final int BATCH = 5_000;

    private final JdbcClient jdbc;
    private final OutboxProperties properties;
    private final Clock clock;
    private final TransactionTemplate tx;

    public OutboxJanitor(JdbcClient jdbc, OutboxProperties properties, Clock clock, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
        this.tx = tx;
    }

    /** Returns the number of rows deleted. */
    public int purge() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(properties.retention()));
        int total = purge("outbox", "created_at", cutoff) + purge("inbox", "processed_at", cutoff);
        if (total > 0) {
            log.info("outbox janitor deleted {} rows older than {}", total, cutoff.toInstant());
        }
        return total;
    }

    private int purge(String table, String column, Timestamp cutoff) {
        String key = table.equals("outbox") ? "id" : "consumer, event_id";
        String sql = "DELETE FROM " + properties.table(table) + " WHERE (" + key + ") IN (SELECT " + key + " FROM "
                + properties.table(table) + " WHERE " + column + " < :cutoff LIMIT " + BATCH + ")";
        int total = 0;
        int n;
        do {
            Integer deleted =
                    tx.execute(s -> jdbc.sql(sql).param("cutoff", cutoff).update());
            n = deleted == null ? 0 : deleted;
            total += n;
        } while (n == BATCH);
        return total;
    }
}
