package dev.relay.imports.projection;

import dev.relay.contracts.AccessOptions;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.ItemCancelRequested;
import dev.relay.contracts.ItemCancelled;
import dev.relay.contracts.ItemConfirmationFailed;
import dev.relay.contracts.ItemConfirmed;
import dev.relay.contracts.ItemDuplicate;
import dev.relay.contracts.ItemEvent;
import dev.relay.contracts.ItemProbeFailed;
import dev.relay.contracts.ItemProbed;
import dev.relay.contracts.ItemProvisionFailed;
import dev.relay.contracts.ItemProvisioned;
import dev.relay.contracts.ItemRetryRequested;
import dev.relay.contracts.ItemRolledBack;
import dev.relay.contracts.ItemStageStarted;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.contracts.ModelEntry;
import dev.relay.contracts.ProtocolHint;
import dev.relay.contracts.RunCompleted;
import dev.relay.contracts.RunStatus;
import dev.relay.contracts.SealedSecret;
import dev.relay.contracts.Warning;
import dev.relay.imports.runs.ItemState;
import dev.relay.outbox.OutboxWriter;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies item events to the run projection, in the listener template's transaction (each event once). Every event
 * is kept in the item's timeline with its time, attempt and evidence; the state moves only forward: an event for a
 * terminal item, or for an older attempt, is recorded but changes nothing. Commands are answered with the fact they
 * cause: {@code item.retry-requested} on a failed item → {@code item.submitted} with the next attempt; {@code
 * item.cancel-requested} on an open item → {@code item.cancelled}. When the last item of a run becomes terminal, the
 * run gets its status and {@code run.completed} is written.
 */
@Component
public class RunProjection {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final OutboxWriter outbox;
    private final Clock clock;

    public RunProjection(JdbcClient jdbc, OutboxWriter outbox, Clock clock) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** The projection row of an item, locked for this event. */
    private record Row(UUID id, UUID runId, ItemState state, int attempt) {}

    private Row lock(ItemEvent e) {
        return jdbc.sql("SELECT id, run_id, state, attempt FROM import_item WHERE id = :id FOR UPDATE")
                .param("id", e.itemId())
                .query((rs, i) -> new Row(
                        rs.getObject("id", UUID.class),
                        rs.getObject("run_id", UUID.class),
                        ItemState.valueOf(rs.getString("state")),
                        rs.getInt("attempt")))
                .optional()
                .orElse(null);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void submitted(ItemSubmitted e, EventEnvelope env) {
        Row r = lock(e);
        if (r == null) {
            return; // another run store's item: not ours
        }
        if (e.attempt() >= r.attempt() && (!r.state().terminal() || e.attempt() > r.attempt())) {
            jdbc.sql("UPDATE import_item SET state = 'SUBMITTED', stage = NULL, attempt = :attempt,"
                            + " classification = NULL, detail = NULL, updated_at = :at WHERE id = :id")
                    .param("attempt", e.attempt())
                    .param("at", Timestamp.from(e.occurredAt()))
                    .param("id", r.id())
                    .update();
            timeline(env, r.id(), ItemState.SUBMITTED, null, e.attempt(), null);
            if (r.state() == ItemState.FAILED) {
                reopenRun(r.runId());
            }
        } else {
            timeline(env, r.id(), r.state(), null, e.attempt(), note("ignored: the item is " + r.state()));
        }
    }

    /**
     * The item's row, locked, when this event may move it: null when the item is not ours, or when it is terminal or
     * the event belongs to an older attempt — then the event is only kept in the timeline (with its detail, or a note
     * saying why it changed nothing).
     *
     * @param attempt the event's attempt, or null for "the item's current one"
     */
    private Row movable(ItemEvent e, EventEnvelope env, String stage, Integer attempt, ObjectNode detail) {
        Row r = lock(e);
        if (r == null) {
            return null;
        }
        int at = attempt == null ? r.attempt() : attempt;
        if (r.state().terminal() || at < r.attempt()) {
            timeline(
                    env,
                    r.id(),
                    r.state(),
                    stage,
                    at,
                    detail != null ? detail : note("ignored: the item is " + r.state()));
            return null;
        }
        return r;
    }

    private static ObjectNode failure(dev.relay.contracts.FailureClass classification, String detail) {
        return JSON.createObjectNode()
                .put("classification", classification.name())
                .put("detail", detail);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void duplicate(ItemDuplicate e, EventEnvelope env) {
        ObjectNode d = JSON.createObjectNode();
        d.put("reason", e.reason());
        d.put("duplicateOfRun", e.duplicateOfRunId().toString());
        d.put("duplicateOfItem", e.duplicateOfItemId().toString());
        Row r = lock(e); // written DUPLICATE with its event: this records it and may complete the run
        if (r != null) {
            move(r, ItemState.DUPLICATE, null, r.attempt(), env, d, null, null);
        }
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void stageStarted(ItemStageStarted e, EventEnvelope env) {
        ItemState to = switch (e.stage()) {
            case PROBING -> ItemState.PROBING;
            case PROVISIONING -> ItemState.PROVISIONING;
            case CONFIRMING -> ItemState.CONFIRMING;
        };
        Row r = movable(e, env, e.stage().name(), e.attempt(), null);
        if (r == null) {
            return;
        }
        // only forward: a late or repeated stage start (a probe run again after a crash) never moves an item back
        if (e.attempt() == r.attempt() && r.state().ordinal() >= to.ordinal()) {
            timeline(env, r.id(), r.state(), e.stage().name(), e.attempt(), note("ignored: the item is " + r.state()));
            return;
        }
        move(r, to, e.stage().name(), e.attempt(), env, null, null, null);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void probed(ItemProbed e, EventEnvelope env) {
        ObjectNode d = JSON.createObjectNode();
        d.put("vendor", e.result().vendor());
        d.put("smokeModel", e.result().smokeModel());
        d.set("apiBases", JSON.valueToTree(e.result().apiBases()));
        d.set("evidence", JSON.valueToTree(e.result().evidence()));
        Row r = movable(e, env, "PROBING", e.attempt(), null);
        if (r == null) {
            return;
        }
        Map<String, String> models = new LinkedHashMap<>();
        for (ModelEntry m : e.result().models()) {
            models.put(m.publicName(), m.upstreamName());
        }
        List<Map<String, String>> warnings = warnings(r.id());
        for (Warning w : e.result().warnings()) {
            warnings.add(Map.of("code", w.code(), "message", w.message()));
        }
        jdbc.sql("UPDATE import_item SET models = CAST(:models AS jsonb), corrections = CAST(:corr AS jsonb),"
                        + " capabilities = CAST(:caps AS jsonb), warnings = CAST(:warn AS jsonb),"
                        + " result = CAST(:result AS jsonb) WHERE id = :id")
                .param("models", JSON.writeValueAsString(models))
                .param("corr", JSON.writeValueAsString(e.result().corrections()))
                .param("caps", JSON.writeValueAsString(e.result().capabilities()))
                .param("warn", JSON.writeValueAsString(warnings))
                .param("result", JSON.writeValueAsString(e.result()))
                .param("id", r.id())
                .update();
        move(r, ItemState.PROBED, "PROBING", e.attempt(), env, d, null, null);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void probeFailed(ItemProbeFailed e, EventEnvelope env) {
        ObjectNode d = failure(e.classification(), e.detail());
        d.put("upstreamStatus", e.upstreamStatus());
        d.put(
                "nextAttemptAt",
                e.nextAttemptAt() == null ? null : e.nextAttemptAt().toString());
        d.put("resolvedAddress", e.resolvedAddress());
        d.set("candidates", JSON.valueToTree(e.candidates()));
        d.set("evidence", JSON.valueToTree(e.evidence()));
        Row r = movable(e, env, "PROBING", e.attempt(), d);
        if (r == null) {
            return;
        }
        if (e.isFinal()) {
            move(
                    r,
                    ItemState.FAILED,
                    "PROBING",
                    e.attempt(),
                    env,
                    d,
                    e.classification().name(),
                    e.detail());
        } else {
            // a retry is scheduled: the item stays in probing, the trail shows the attempt and when the next one runs
            timeline(env, r.id(), ItemState.PROBING, "PROBING", e.attempt(), d);
        }
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void provisioned(ItemProvisioned e, EventEnvelope env) {
        ObjectNode d = JSON.createObjectNode();
        d.put("channelId", e.channelId());
        d.put("groupId", e.groupId());
        d.put("clientKeyId", e.clientKeyId());
        d.set("resources", JSON.valueToTree(e.resources()));
        Row r = movable(e, env, "PROVISIONING", e.attempt(), d);
        if (r != null) {
            move(r, ItemState.CONFIRMING, "PROVISIONING", e.attempt(), env, d, null, null);
        }
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void provisionFailed(ItemProvisionFailed e, EventEnvelope env) {
        ObjectNode d = failure(e.classification(), e.detail());
        d.put(
                "nextAttemptAt",
                e.nextAttemptAt() == null ? null : e.nextAttemptAt().toString());
        Row r = movable(e, env, "PROVISIONING", e.attempt(), d);
        if (r == null) {
            return;
        }
        if (e.nextAttemptAt() != null) {
            timeline(env, r.id(), r.state(), "PROVISIONING", e.attempt(), d); // retried: not failed yet
            return;
        }
        move(
                r,
                ItemState.FAILED,
                "PROVISIONING",
                e.attempt(),
                env,
                d,
                e.classification().name(),
                e.detail());
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void confirmed(ItemConfirmed e, EventEnvelope env) {
        ObjectNode d = JSON.createObjectNode();
        d.put("smokeModel", e.smokeModel());
        d.put("accessStatus", e.accessStatus().name());
        d.set("evidence", JSON.valueToTree(e.evidence()));
        Row r = movable(e, env, "CONFIRMING", e.attempt(), d);
        if (r == null) {
            return;
        }
        accessStatus(r, e.accessStatus().name());
        move(r, ItemState.READY, "CONFIRMING", e.attempt(), env, d, null, null);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void confirmationFailed(ItemConfirmationFailed e, EventEnvelope env) {
        ObjectNode d = failure(e.classification(), e.detail());
        d.put("edgeStatus", e.edgeStatus());
        d.set("edgeEvidence", JSON.valueToTree(e.edgeEvidence()));
        d.set("directEvidence", JSON.valueToTree(e.directEvidence()));
        Row r = movable(e, env, "CONFIRMING", e.attempt(), d);
        if (r == null) {
            return;
        }
        accessStatus(r, "BROKEN");
        move(
                r,
                ItemState.FAILED,
                "CONFIRMING",
                e.attempt(),
                env,
                d,
                e.classification().name(),
                e.detail());
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void rolledBack(ItemRolledBack e, EventEnvelope env) {
        ObjectNode d = JSON.createObjectNode();
        d.put("reason", e.reason());
        d.set("removed", JSON.valueToTree(e.removed()));
        Row r = lock(e); // a rollback ends any state, READY included
        if (r != null) {
            accessStatus(r, null);
            move(r, ItemState.ROLLED_BACK, null, r.attempt(), env, d, null, null);
        }
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void cancelled(ItemCancelled e, EventEnvelope env) {
        Row r = movable(e, env, null, null, null);
        if (r != null) {
            move(r, ItemState.CANCELLED, null, r.attempt(), env, note(e.reason()), null, null);
        }
    }

    private void accessStatus(Row r, String status) {
        jdbc.sql("UPDATE import_item SET access_status = :a WHERE id = :id")
                .param("a", status)
                .param("id", r.id())
                .update();
    }

    /** Command: cancel an open item — answered with {@code item.cancelled}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void cancelRequested(ItemCancelRequested e, EventEnvelope env) {
        Row r = lock(e);
        if (r == null) {
            return;
        }
        timeline(env, r.id(), r.state(), null, r.attempt(), note("requested by " + e.requestedBy()));
        if (!r.state().terminal()) {
            outbox.append(new ItemCancelled(r.runId(), r.id(), "cancelled by " + e.requestedBy(), clock.instant()));
        }
    }

    /** Command: retry a failed item — answered with {@code item.submitted} for the next attempt. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void retryRequested(ItemRetryRequested e, EventEnvelope env) {
        Row r = lock(e);
        if (r == null) {
            return;
        }
        timeline(env, r.id(), r.state(), null, r.attempt(), note("requested by " + e.requestedBy()));
        if (r.state() != ItemState.FAILED) {
            return;
        }
        outbox.append(resubmission(r));
    }

    private ItemSubmitted resubmission(Row r) {
        return jdbc.sql("SELECT i.*, run.host_id, run.access, run.smoke_model FROM import_item i"
                        + " JOIN import_run run ON run.id = i.run_id WHERE i.id = :id")
                .param("id", r.id())
                .query((rs, n) -> new ItemSubmitted(
                        r.runId(),
                        r.id(),
                        rs.getInt("idx"),
                        r.attempt() + 1,
                        rs.getString("host_id"),
                        rs.getString("base_url"),
                        JSON.readValue(rs.getString("api_key"), SealedSecret.class),
                        rs.getString("key_hmac"),
                        ProtocolHint.valueOf(rs.getString("protocol_hint")),
                        JSON.readValue(rs.getString("requested_models"), new TypeReference<List<String>>() {}),
                        JSON.readValue(rs.getString("aliases"), new TypeReference<Map<String, String>>() {}),
                        rs.getInt("priority"),
                        (Integer) rs.getObject("connect_timeout_ms"),
                        (Integer) rs.getObject("first_byte_timeout_ms"),
                        (Integer) rs.getObject("total_timeout_ms"),
                        JSON.readValue(rs.getString("extra_headers"), new TypeReference<Map<String, String>>() {}),
                        rs.getString("smoke_model"),
                        JSON.readValue(rs.getString("access"), AccessOptions.class),
                        clock.instant()))
                .single();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void move(
            Row r,
            ItemState to,
            String stage,
            int attempt,
            EventEnvelope env,
            ObjectNode detail,
            String classification,
            String failureDetail) {
        jdbc.sql("UPDATE import_item SET state = :state, stage = :stage, attempt = :attempt,"
                        + " classification = :cls, detail = :detail, updated_at = :at WHERE id = :id")
                .param("state", to.name())
                .param("stage", stage)
                .param("attempt", Math.max(attempt, r.attempt()))
                .param("cls", classification)
                .param("detail", failureDetail)
                .param("at", Timestamp.from(env.occurredAt()))
                .param("id", r.id())
                .update();
        timeline(env, r.id(), to, stage, attempt, detail);
        if (to.terminal()) {
            completeRunIfDone(r.runId());
        }
    }

    private void timeline(EventEnvelope env, UUID itemId, ItemState state, String stage, int attempt, ObjectNode d) {
        jdbc.sql("INSERT INTO item_timeline (item_id, event_id, event_type, at, state, stage, attempt, detail)"
                        + " VALUES (:item, :event, :type, :at, :state, :stage, :attempt, CAST(:detail AS jsonb))")
                .param("item", itemId)
                .param("event", env.id())
                .param("type", env.type().wireName())
                .param("at", Timestamp.from(env.occurredAt()))
                .param("state", state.name())
                .param("stage", stage)
                .param("attempt", attempt)
                .param("detail", d == null ? null : JSON.writeValueAsString(d))
                .update();
    }

    private List<Map<String, String>> warnings(UUID itemId) {
        String w = jdbc.sql("SELECT warnings FROM import_item WHERE id = :id")
                .param("id", itemId)
                .query(String.class)
                .single();
        List<Map<String, String>> list = JSON.readValue(w, new TypeReference<List<Map<String, String>>>() {});
        return new ArrayList<>(list);
    }

    /**
     * Locks the run (so two items finishing at once on different partitions cannot both miss being last), and when
     * every item is terminal gives the run its status and writes {@code run.completed} once.
     */
    /** The advisory-lock key of a run's completion check (64 bits of its id; a collision only serialises more). */
    static long runLockKey(UUID runId) {
        return runId.getMostSignificantBits() ^ runId.getLeastSignificantBits();
    }

    private void completeRunIfDone(UUID runId) {
        // An advisory lock per run, not SELECT ... FOR UPDATE on the run's row: two item events of one run each held
        // a share lock on that row and both asked to upgrade it, which PostgreSQL ended as a deadlock (seen with 1,000
        // items confirming at once; the losers ran out of retries and were dead-lettered). The advisory lock is taken
        // by nobody else, so it cannot join a cycle; the read after it sees what the previous holder committed.
        jdbc.sql("SELECT pg_advisory_xact_lock(:k)")
                .param("k", runLockKey(runId))
                .query((rs, i) -> 1)
                .single();
        Map<String, Object> run = jdbc.sql("SELECT completed_at IS NULL AS open, status FROM import_run WHERE id = :id")
                .param("id", runId)
                .query()
                .singleRow();
        boolean open = Boolean.TRUE.equals(run.get("open"));
        Map<String, Integer> counts = new LinkedHashMap<>();
        jdbc.sql("SELECT state, count(*) AS n FROM import_item WHERE run_id = :run GROUP BY state")
                .param("run", runId)
                .query(rs -> {
                    counts.put(rs.getString("state"), rs.getInt("n"));
                });
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        int terminal = 0;
        for (Map.Entry<String, Integer> c : counts.entrySet()) {
            if (ItemState.valueOf(c.getKey()).terminal()) {
                terminal += c.getValue();
            }
        }
        if (terminal < total) {
            return;
        }
        int ready = counts.getOrDefault("READY", 0);
        int failed = counts.getOrDefault("FAILED", 0);
        int duplicate = counts.getOrDefault("DUPLICATE", 0);
        int cancelled = counts.getOrDefault("CANCELLED", 0);
        int rolledBack = counts.getOrDefault("ROLLED_BACK", 0);
        RunStatus status;
        if (rolledBack > 0 && rolledBack + duplicate + cancelled + failed == total && ready == 0) {
            status = RunStatus.ROLLED_BACK;
        } else if (ready > 0 && ready + duplicate == total) {
            status = RunStatus.SUCCEEDED;
        } else if (ready > 0) {
            status = RunStatus.PARTIALLY_SUCCEEDED;
        } else {
            status = RunStatus.FAILED;
        }
        if (!open) {
            // a finished run whose items are rolled back afterwards: its status follows (succeeded → partially
            // succeeded → rolled back); it completed once, so no second run.completed
            String now = status.name().toLowerCase(java.util.Locale.ROOT);
            if (!now.equals(run.get("status"))) {
                jdbc.sql("UPDATE import_run SET status = :status WHERE id = :id")
                        .param("status", now)
                        .param("id", runId)
                        .update();
            }
            return;
        }
        Instant now = clock.instant();
        jdbc.sql("UPDATE import_run SET status = :status, completed_at = :now WHERE id = :id")
                .param("status", status.name().toLowerCase(java.util.Locale.ROOT))
                .param("now", Timestamp.from(now))
                .param("id", runId)
                .update();
        outbox.append(new RunCompleted(runId, status, total, ready, failed, duplicate, cancelled, rolledBack, now));
    }

    /** A retried item reopens a finished run. */
    private void reopenRun(UUID runId) {
        jdbc.sql("UPDATE import_run SET status = 'running', completed_at = NULL WHERE id = :id")
                .param("id", runId)
                .update();
    }

    private static ObjectNode note(String text) {
        return JSON.createObjectNode().put("note", text);
    }
}
