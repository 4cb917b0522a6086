package dev.relay.access.accounting.ledger;

import dev.relay.access.accounting.AccountingProperties;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes request rows older than {@code relay.accounting.retention} (default 30 days), in bounded batches so it never
 * holds long locks; the hourly roll-ups stay. A usage event replayed after its row was deleted would be stored and
 * debited again, so the retention must exceed every replay window (Kafka's retention of {@code relay.usage}, the
 * edge's journal).
 */
@Component
public class UsageRetention {

    private static final Logger log = LoggerFactory.getLogger(UsageRetention.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final AccountingProperties properties;
    private final Clock clock;

    public UsageRetention(DataSource dataSource, TransactionTemplate tx, AccountingProperties properties, Clock clock) {
        this.jdbc = JdbcClient.create(dataSource);
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(
            initialDelayString = "${relay.accounting.retention-interval:10m}",
            fixedDelayString = "${relay.accounting.retention-interval:10m}")
    public void scheduled() {
        try {
            purge();
        } catch (RuntimeException e) {
            log.warn("usage retention failed; next run in {}: {}", properties.retentionInterval(), e.toString());
        }
    }

    /** Deletes every request row older than the retention; returns how many. */
    public long purge() {
        Instant cutoff = clock.instant().minus(properties.retention());
        int batch = properties.retentionBatch();
        long total = 0;
        int n;
        do {
            Integer deleted = tx.execute(s -> jdbc.sql("DELETE FROM usage_request WHERE request_id IN (SELECT"
                            + " request_id FROM usage_request WHERE occurred_at < :cutoff LIMIT :n)")
                    .param("cutoff", Timestamp.from(cutoff))
                    .param("n", batch)
                    .update());
            n = deleted == null ? 0 : deleted;
            total += n;
        } while (n == batch);
        if (total > 0) {
            log.info("usage retention deleted {} request rows older than {}", total, cutoff);
        }
        return total;
    }
}
