package dev.relay.reconcile.passes;

import dev.relay.contracts.DriftDetected.DriftKind;
import dev.relay.contracts.EventCodec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** The pass and finding tables; every write runs in the caller's transaction. */
@Component
public class PassStore {

    /** A finding as stored (the API's view of it). */
    public record StoredFinding(
            UUID id,
            UUID passId,
            int seq,
            UUID runId,
            UUID itemId,
            String hostId,
            DriftKind kind,
            String resourceKind,
            String resourceId,
            String externalRef,
            String specHash,
            String detail,
            JsonNode evidence,
            String repair,
            String repairDetail,
            Instant createdAt,
            Instant updatedAt) {}

    private final JdbcClient jdbc;

    public PassStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    public void create(UUID id, UUID runId, String trigger, Boolean repair, String requestedBy, Instant at) {
        jdbc.sql("INSERT INTO pass (id, run_id, trigger, repair, state, requested_by, requested_at) VALUES (:id, :run,"
                        + " :trigger, :repair, 'pending', :by, :at)")
                .param("id", id)
                .param("run", runId)
                .param("trigger", trigger)
                .param("repair", repair)
                .param("by", requestedBy)
                .param("at", Timestamp.from(at))
                .update();
    }

    public Optional<Pass> find(UUID id, boolean forUpdate) {
        return jdbc.sql("SELECT * FROM pass WHERE id = :id" + (forUpdate ? " FOR UPDATE" : ""))
                .param("id", id)
                .query(PassStore::pass)
                .optional();
    }

    /** Passes newest first, after the cursor (requested_at, id) when given; optionally of one run. */
    public List<Pass> page(UUID runId, Instant afterAt, UUID afterId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM pass WHERE true");
        Map<String, Object> p = new HashMap<>();
        if (runId != null) {
            sql.append(" AND run_id = :run");
            p.put("run", runId);
        }
        if (afterAt != null) {
            sql.append(" AND (requested_at, id) < (:at, :id)");
            p.put("at", Timestamp.from(afterAt));
            p.put("id", afterId);
        }
        sql.append(" ORDER BY requested_at DESC, id DESC LIMIT :limit");
        p.put("limit", limit);
        return jdbc.sql(sql.toString()).params(p).query(PassStore::pass).list();
    }

    public void started(UUID id, int attempts, Instant at) {
        jdbc.sql(
                        "UPDATE pass SET state = 'running', attempts = :n, started_at = COALESCE(started_at, :at), error = NULL"
                                + " WHERE id = :id")
                .param("id", id)
                .param("n", attempts)
                .param("at", Timestamp.from(at))
                .update();
    }

    public void retrying(UUID id, String error) {
        jdbc.sql("UPDATE pass SET state = 'retrying', error = :e WHERE id = :id")
                .param("id", id)
                .param("e", error)
                .update();
    }

    /** A remark on a running pass (hosts it had to skip); kept when the pass completes. */
    public void note(UUID id, String note) {
        jdbc.sql("UPDATE pass SET error = :e WHERE id = :id")
                .param("id", id)
                .param("e", note)
                .update();
    }

    public void detected(UUID id, int checked, int drifted, int exhaustedKeys, boolean repairing) {
        jdbc.sql("UPDATE pass SET checked = :c, drifted = :d, exhausted_keys = :x, state = :s WHERE id = :id")
                .param("id", id)
                .param("c", checked)
                .param("d", drifted)
                .param("x", exhaustedKeys)
                .param("s", repairing ? "repairing" : "running")
                .update();
    }

    public void finish(UUID id, String state, String status, int repaired, String error, Instant at) {
        jdbc.sql(
                        "UPDATE pass SET state = :state, status = :status, repaired = :r, error = COALESCE(CAST(:e AS text), error),"
                                + " completed_at = :at"
                                + " WHERE id = :id")
                .param("id", id)
                .param("state", state)
                .param("status", status)
                .param("r", repaired)
                .param("e", error)
                .param("at", Timestamp.from(at))
                .update();
    }

    public void addFinding(
            UUID passId,
            int seq,
            UUID findingId,
            String hostId,
            Detector.Finding f,
            String repair,
            String repairDetail,
            Instant at) {
        jdbc.sql("INSERT INTO finding (id, pass_id, seq, run_id, item_id, host_id, kind, resource_kind, resource_id,"
                        + " external_ref, spec_hash, detail, evidence, repair, repair_detail, created_at, updated_at)"
                        + " VALUES (:id, :pass, :seq, :run, :item, :host, :kind, :rkind, :rid, :ref, :hash, :detail,"
                        + " CAST(:ev AS jsonb), :repair, :rdetail, :at, :at)")
                .param("id", findingId)
                .param("pass", passId)
                .param("seq", seq)
                .param("run", f.runId())
                .param("item", f.itemId())
                .param("host", hostId)
                .param("kind", f.kind().name())
                .param("rkind", f.resourceKind().name())
                .param("rid", f.resourceId())
                .param("ref", f.externalRef())
                .param("hash", f.specHash())
                .param("detail", f.detail())
                .param("ev", f.evidence().toString())
                .param("repair", repair)
                .param("rdetail", repairDetail)
                .param("at", Timestamp.from(at))
                .update();
    }

    /** Moves the open findings of a pass about one resource (or one item's re-probe) to a repair state. */
    public List<StoredFinding> openFor(UUID passId, String hostId, String resourceKind, String externalRef) {
        return jdbc.sql("SELECT * FROM finding WHERE pass_id = :pass AND host_id = :host AND resource_kind = :kind"
                        + " AND external_ref = :ref AND repair IN ('reprobing', 'requested') FOR UPDATE")
                .param("pass", passId)
                .param("host", hostId)
                .param("kind", resourceKind)
                .param("ref", externalRef)
                .query(PassStore::finding)
                .list();
    }

    public List<StoredFinding> reprobingFor(UUID passId, UUID itemId) {
        return jdbc.sql("SELECT * FROM finding WHERE pass_id = :pass AND item_id = :item AND repair = 'reprobing'"
                        + " FOR UPDATE")
                .param("pass", passId)
                .param("item", itemId)
                .query(PassStore::finding)
                .list();
    }

    public void repairState(UUID findingId, String repair, String detail, Instant at) {
        jdbc.sql("UPDATE finding SET repair = :r, repair_detail = :d, updated_at = :at WHERE id = :id")
                .param("id", findingId)
                .param("r", repair)
                .param("d", detail)
                .param("at", Timestamp.from(at))
                .update();
    }

    public int openFindings(UUID passId) {
        return jdbc.sql("SELECT count(*) FROM finding WHERE pass_id = :pass AND repair IN ('reprobing', 'requested')")
                .param("pass", passId)
                .query(Integer.class)
                .single();
    }

    /** Findings of a pass by repair state. */
    public Map<String, Integer> repairCounts(UUID passId) {
        Map<String, Integer> out = new HashMap<>();
        jdbc.sql("SELECT repair, count(*) AS n FROM finding WHERE pass_id = :pass GROUP BY repair")
                .param("pass", passId)
                .query((rs, i) -> out.put(rs.getString("repair"), rs.getInt("n")))
                .list();
        return out;
    }

    public List<StoredFinding> findings(UUID passId, int afterSeq, int limit) {
        return jdbc.sql("SELECT * FROM finding WHERE pass_id = :pass AND seq > :after ORDER BY seq LIMIT :limit")
                .param("pass", passId)
                .param("after", afterSeq)
                .param("limit", limit)
                .query(PassStore::finding)
                .list();
    }

    private static Pass pass(ResultSet rs, int i) throws SQLException {
        return new Pass(
                rs.getObject("id", UUID.class),
                rs.getObject("run_id", UUID.class),
                rs.getString("trigger"),
                (Boolean) rs.getObject("repair"),
                rs.getString("state"),
                rs.getString("status"),
                rs.getInt("checked"),
                rs.getInt("drifted"),
                rs.getInt("repaired"),
                rs.getInt("exhausted_keys"),
                rs.getInt("attempts"),
                rs.getString("error"),
                rs.getString("requested_by"),
                instant(rs, "requested_at"),
                instant(rs, "started_at"),
                instant(rs, "completed_at"));
    }

    private static StoredFinding finding(ResultSet rs, int i) throws SQLException {
        return new StoredFinding(
                rs.getObject("id", UUID.class),
                rs.getObject("pass_id", UUID.class),
                rs.getInt("seq"),
                rs.getObject("run_id", UUID.class),
                rs.getObject("item_id", UUID.class),
                rs.getString("host_id"),
                DriftKind.valueOf(rs.getString("kind")),
                rs.getString("resource_kind"),
                rs.getString("resource_id"),
                rs.getString("external_ref"),
                rs.getString("spec_hash"),
                rs.getString("detail"),
                EventCodec.mapper().readTree(rs.getString("evidence")),
                rs.getString("repair"),
                rs.getString("repair_detail"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    /** The run's policy: true = repair, false = report (also when none was set). */
    public boolean repairs(UUID runId) {
        if (runId == null) {
            return false;
        }
        return jdbc.sql("SELECT policy = 'repair' FROM run_policy WHERE run_id = :run")
                .param("run", runId)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    public Optional<String> policy(UUID runId) {
        return jdbc.sql("SELECT policy FROM run_policy WHERE run_id = :run")
                .param("run", runId)
                .query(String.class)
                .optional();
    }

    public void setPolicy(UUID runId, String policy, Instant at) {
        jdbc.sql("INSERT INTO run_policy (run_id, policy, updated_at) VALUES (:run, :p, :at) ON CONFLICT (run_id) DO"
                        + " UPDATE SET policy = EXCLUDED.policy, updated_at = EXCLUDED.updated_at")
                .param("run", runId)
                .param("p", policy)
                .param("at", Timestamp.from(at))
                .update();
    }
}
