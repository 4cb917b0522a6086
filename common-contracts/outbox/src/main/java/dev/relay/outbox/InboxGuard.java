package dev.relay.outbox;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Idempotent consumption: records, in the caller's transaction, that a consumer applied an event. A redelivered
 * event finds its row and its effect is skipped; a concurrent duplicate blocks on the primary key until the first
 * commits and then sees it.
 */
public class InboxGuard {

    private final JdbcClient jdbc;
    private final String insertSql;
    private final String appliedSql;

    public InboxGuard(JdbcClient jdbc, OutboxProperties properties) {
        this.jdbc = jdbc;
        this.insertSql = "INSERT INTO " + properties.table("inbox")
                + " (consumer, event_id, event_type) VALUES (:consumer, :eventId, :eventType)"
                + " ON CONFLICT (consumer, event_id) DO NOTHING";
        this.appliedSql = "SELECT event_id FROM " + properties.table("inbox")
                + " WHERE consumer = :consumer AND event_id IN (:ids)";
    }

    /**
     * Marks the event processed for this consumer. Returns {@code true} the first time (apply the effect now, in
     * this transaction), {@code false} when it was processed before (skip).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean markProcessed(String consumer, UUID eventId, String eventType) {
        return jdbc.sql(insertSql)
                        .param("consumer", consumer)
                        .param("eventId", eventId)
                        .param("eventType", eventType)
                        .update()
                == 1;
    }

    /**
     * Which of these events the consumer has applied and committed, read outside any transaction: for a reader that
     * must not act on an event before its consumer's effect is visible (the console refreshing a page after the
     * projection, not before).
     */
    public Set<UUID> applied(String consumer, Collection<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql(appliedSql)
                .param("consumer", consumer)
                .param("ids", eventIds)
                .query(UUID.class)
                .list());
    }
}
