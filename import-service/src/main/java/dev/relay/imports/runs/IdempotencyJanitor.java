package dev.relay.imports.runs;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes {@code Idempotency-Key} records whose replay window has passed (they hold a sealed copy of a 201 with the
 * run's client key: nothing worth keeping once it can no longer be replayed). Hourly, on a daemon thread of its own;
 * every replica may run it (a plain DELETE, idempotent).
 */
@Component
public class IdempotencyJanitor implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyJanitor.class);
    static final Duration INTERVAL = Duration.ofHours(1);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final java.util.concurrent.ScheduledExecutorService scheduler =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "idempotency-janitor");
                t.setDaemon(true);
                return t;
            });

    public IdempotencyJanitor(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        scheduler.scheduleWithFixedDelay(
                this::purgeQuietly, INTERVAL.toMinutes(), INTERVAL.toMinutes(), java.util.concurrent.TimeUnit.MINUTES);
    }

    /** Deletes the expired records; returns how many. */
    public int purge() {
        return jdbc.sql("DELETE FROM idempotency WHERE expires_at <= :now")
                .param("now", Timestamp.from(clock.instant()))
                .update();
    }

    private void purgeQuietly() {
        try {
            int n = purge();
            if (n > 0) {
                log.info("deleted {} expired Idempotency-Key records", n);
            }
        } catch (RuntimeException e) {
            log.warn("could not purge expired Idempotency-Key records: {}", e.toString());
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
