package dev.relay.probe.jobs;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.ItemCancelled;
import dev.relay.contracts.ItemReprobeRequested;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.outbox.DurableTimers;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The probe jobs table: one row per item (its latest attempt) and a durable timer that runs it. Accepting a job and
 * scheduling its timer happen in the listener's transaction, so a crash between "event consumed" and "job known"
 * cannot happen; a redelivered event is skipped by the inbox, an older attempt never replaces a newer one.
 */
@Component
public class ProbeJobs {

    public static final String PROBE = "probe";
    public static final String REPROBE = "reprobe";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A job as the timer handler sees it. */
    public record Job(
            UUID itemId,
            UUID runId,
            int attempt,
            String kind,
            UUID reconcileId,
            ItemSubmitted submitted,
            String state,
            int tries) {}

    private final JdbcClient jdbc;
    private final DurableTimers timers;
    private final Clock clock;

    public ProbeJobs(JdbcClient jdbc, DurableTimers timers, Clock clock) {
        this.jdbc = jdbc;
        this.timers = timers;
        this.clock = clock;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void accept(ItemSubmitted e, EventEnvelope env) {
        Optional<Job> existing = find(e.itemId(), true);
        if (existing.isPresent()
                && existing.get().attempt() >= e.attempt()
                && existing.get().kind().equals(PROBE)) {
            return; // an older or the same attempt: the job already knows it
        }
        upsert(e.itemId(), e.runId(), e.attempt(), PROBE, null, e);
        timers.schedule(PROBE, e.itemId().toString(), clock.instant(), null);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void reprobe(ItemReprobeRequested e, EventEnvelope env) {
        Optional<Job> existing = find(e.itemId(), true);
        if (existing.isEmpty()) {
            return; // never probed here: nothing to probe again (reconcile reports it)
        }
        Job j = existing.get();
        if (j.state().equals("PENDING") && j.kind().equals(PROBE)) {
            return; // a probe of the item is running or waiting: it must not be replaced (reconcile asks again later)
        }
        upsert(j.itemId(), j.runId(), j.attempt(), REPROBE, e.reconcileId(), j.submitted());
        timers.schedule(PROBE, e.itemId().toString(), clock.instant(), null);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void cancel(ItemCancelled e, EventEnvelope env) {
        jdbc.sql(
                        "UPDATE probe_job SET state = 'CANCELLED', updated_at = :now WHERE item_id = :id AND state = 'PENDING'")
                .param("now", Timestamp.from(clock.instant()))
                .param("id", e.itemId())
                .update();
        timers.cancel(PROBE, e.itemId().toString());
    }

    private void upsert(UUID itemId, UUID runId, int attempt, String kind, UUID reconcileId, ItemSubmitted submitted) {
        Instant now = clock.instant();
        jdbc.sql("INSERT INTO probe_job (item_id, run_id, attempt, kind, reconcile_id, submitted, state, tries,"
                        + " created_at, updated_at) VALUES (:item, :run, :attempt, :kind, :rec, CAST(:sub AS jsonb),"
                        + " 'PENDING', 0, :now, :now) ON CONFLICT (item_id) DO UPDATE SET attempt = EXCLUDED.attempt,"
                        + " kind = EXCLUDED.kind, reconcile_id = EXCLUDED.reconcile_id, submitted = EXCLUDED.submitted,"
                        + " state = 'PENDING', tries = 0, outcome = NULL, updated_at = EXCLUDED.updated_at")
                .param("item", itemId)
                .param("run", runId)
                .param("attempt", attempt)
                .param("kind", kind)
                .param("rec", reconcileId, java.sql.Types.OTHER)
                .param("sub", JSON.writeValueAsString(submitted))
                .param("now", Timestamp.from(now))
                .update();
    }

    public Optional<Job> find(UUID itemId, boolean forUpdate) {
        return jdbc.sql("SELECT * FROM probe_job WHERE item_id = :id" + (forUpdate ? " FOR UPDATE" : ""))
                .param("id", itemId)
                .query((rs, i) -> new Job(
                        rs.getObject("item_id", UUID.class),
                        rs.getObject("run_id", UUID.class),
                        rs.getInt("attempt"),
                        rs.getString("kind"),
                        rs.getObject("reconcile_id", UUID.class),
                        JSON.readValue(rs.getString("submitted"), ItemSubmitted.class),
                        rs.getString("state"),
                        rs.getInt("tries")))
                .optional();
    }

    /** Records the end of a run of a job: DONE with its outcome, or PENDING again for a retry. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void finish(Job j, boolean done, String outcome) {
        jdbc.sql("UPDATE probe_job SET state = :state, tries = tries + 1, outcome = :outcome, updated_at = :now"
                        + " WHERE item_id = :id")
                .param("state", done ? "DONE" : "PENDING")
                .param("outcome", outcome)
                .param("now", Timestamp.from(clock.instant()))
                .param("id", j.itemId())
                .update();
    }
}
