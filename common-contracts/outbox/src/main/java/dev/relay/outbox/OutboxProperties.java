package dev.relay.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.outbox.*}: where this service's outbox and inbox live and how long applied rows are kept.
 *
 * @param schema the service's own schema (holds {@code outbox} and {@code inbox})
 * @param retention outbox and inbox rows older than this are deleted (Debezium has long read them from the WAL;
 *     the inbox must outlive any redelivery window, so keep this well above Kafka's own retention of a stuck consumer)
 * @param cleanupInterval how often the janitor runs
 * @param timerPollInterval how often the durable-timer runner looks for due timers when idle
 * @param timerLease how long a claimed timer is held before another runner may take it (a handler must finish well
 *     within it)
 */
@ConfigurationProperties("relay.outbox")
public record OutboxProperties(
        String schema, Duration retention, Duration cleanupInterval, Duration timerPollInterval, Duration timerLease) {
    public OutboxProperties {
        if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException(
                    "relay.outbox.schema must be a plain lower-case schema name, got: " + schema);
        }
        retention = retention == null ? Duration.ofDays(7) : retention;
        cleanupInterval = cleanupInterval == null ? Duration.ofMinutes(10) : cleanupInterval;
        timerPollInterval = timerPollInterval == null ? Duration.ofMillis(200) : timerPollInterval;
        timerLease = timerLease == null ? Duration.ofMinutes(2) : timerLease;
    }

    String table(String name) {
        return schema + "." + name;
    }
}
