package dev.relay.outbox;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one durable-timer mechanism of every service: a timer is a row {@code (kind, key, due_at, payload)} in the
 * service's own schema, scheduled in the same transaction as the state change that needs it, so a restart loses none.
 * {@link TimerRunner} claims due timers with {@code FOR UPDATE SKIP LOCKED} and a lease, runs their {@link
 * TimerHandler} outside that claim transaction (a handler may call an upstream for seconds), and the handler {@link
 * #complete completes} (or {@link #reschedule reschedules}) the timer in the transaction that records its effect. A
 * process killed mid-run loses its lease: another replica (or the restarted one) runs the timer again, so handlers are
 * idempotent. Every claim, schedule and reschedule bumps a {@code generation}, and completing or rescheduling needs the
 * generation of the claim: a run that outlived its lease (and was claimed again) completes nothing.
 */
public class DurableTimers {

    /** A claimed timer, handed to its handler. */
    public record Fired(
            UUID id, String kind, String key, Instant dueAt, String payload, int attempts, long generation) {}

    private final JdbcClient jdbc;
    private final String table;
    private final Clock clock;

    public DurableTimers(JdbcClient jdbc, OutboxProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.table = properties.table("timer");
        this.clock = clock;
    }

    /**
     * Schedules (or moves) the timer {@code (kind, key)} to {@code dueAt} with a payload, in the caller's transaction.
     * Rescheduling a timer that is being run bumps its generation, so the running claim cannot complete it.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void schedule(String kind, String key, Instant dueAt, String payload) {
        jdbc.sql("INSERT INTO " + table + " (id, kind, key, due_at, payload) VALUES (:id, :kind, :key, :due, :payload)"
                        + " ON CONFLICT (kind, key) DO UPDATE SET due_at = EXCLUDED.due_at,"
                        + " payload = EXCLUDED.payload, generation = " + table + ".generation + 1,"
                        + " locked_by = NULL, locked_until = NULL")
                .param("id", UUID.randomUUID())
                .param("kind", kind)
                .param("key", key)
                .param("due", Timestamp.from(dueAt))
                .param("payload", payload)
                .update();
    }

    /** Cancels the timer {@code (kind, key)}, in the caller's transaction; true if there was one. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean cancel(String kind, String key) {
        return jdbc.sql("DELETE FROM " + table + " WHERE kind = :kind AND key = :key")
                        .param("kind", kind)
                        .param("key", key)
                        .update()
                == 1;
    }

    /** Completes a fired timer in the caller's transaction (with the effect); false if it was rescheduled since. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean complete(Fired t) {
        return jdbc.sql("DELETE FROM " + table + " WHERE id = :id AND generation = :gen")
                        .param("id", t.id())
                        .param("gen", t.generation())
                        .update()
                == 1;
    }

    /** Moves a fired timer to a later time (a retry), counting the attempt, in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean reschedule(Fired t, Instant dueAt, String payload) {
        return jdbc.sql("UPDATE " + table + " SET due_at = :due, payload = :payload, attempts = attempts + 1,"
                                + " generation = generation + 1, locked_by = NULL, locked_until = NULL"
                                + " WHERE id = :id AND generation = :gen")
                        .param("due", Timestamp.from(dueAt))
                        .param("payload", payload)
                        .param("id", t.id())
                        .param("gen", t.generation())
                        .update()
                == 1;
    }

    /** Whether a timer {@code (kind, key)} is pending. */
    public boolean exists(String kind, String key) {
        Long n = jdbc.sql("SELECT count(*) FROM " + table + " WHERE kind = :kind AND key = :key")
                .param("kind", kind)
                .param("key", key)
                .query(Long.class)
                .single();
        return n != null && n > 0;
    }

    /**
     * Claims up to {@code limit} due timers of the given kinds for {@code owner} with a lease, in one short transaction
     * of its own (auto-commit statement): rows whose lease expired (their runner died) are due again.
     */
    List<Fired> claim(List<String> kinds, String owner, int limit, Duration lease) {
        Instant now = clock.instant();
        return jdbc.sql("UPDATE " + table + " t SET locked_by = :owner, locked_until = :until,"
                        + " generation = t.generation + 1"
                        + " FROM (SELECT id FROM " + table + " WHERE kind IN (:kinds) AND due_at <= :now"
                        + " AND (locked_until IS NULL OR locked_until < :now) ORDER BY due_at"
                        + " LIMIT :limit FOR UPDATE SKIP LOCKED) due WHERE t.id = due.id"
                        + " RETURNING t.id, t.kind, t.key, t.due_at, t.payload, t.attempts, t.generation")
                .param("owner", owner)
                .param("until", Timestamp.from(now.plus(lease)))
                .param("kinds", kinds)
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query((rs, i) -> new Fired(
                        rs.getObject("id", UUID.class),
                        rs.getString("kind"),
                        rs.getString("key"),
                        rs.getTimestamp("due_at").toInstant(),
                        rs.getString("payload"),
                        rs.getInt("attempts"),
                        rs.getLong("generation")))
                .list();
    }

    /** Gives a claim back untouched (not run): due again at once, attempts unchanged. */
    void release(Fired t) {
        jdbc.sql("UPDATE " + table + " SET locked_by = NULL, locked_until = NULL WHERE id = :id AND generation = :gen")
                .param("id", t.id())
                .param("gen", t.generation())
                .update();
    }

    /** Drops every lease an owner holds (a runner stopping), so its timers are due again at once, not after the lease. */
    void releaseAll(String owner) {
        jdbc.sql("UPDATE " + table + " SET locked_by = NULL, locked_until = NULL WHERE locked_by = :owner")
                .param("owner", owner)
                .update();
    }

    /** Backs a failed run off: the lease is dropped and the timer is due again after {@code delay}. */
    void backOff(Fired t, Duration delay) {
        jdbc.sql("UPDATE " + table + " SET due_at = :due, attempts = attempts + 1, locked_by = NULL,"
                        + " locked_until = NULL WHERE id = :id AND generation = :gen")
                .param("due", Timestamp.from(clock.instant().plus(delay)))
                .param("id", t.id())
                .param("gen", t.generation())
                .update();
    }
}
