package dev.relay.reconcile.ledger;

import dev.relay.contracts.ItemConfirmationFailed;
import dev.relay.contracts.ItemConfirmed;
import dev.relay.contracts.ItemProvisioned;
import dev.relay.contracts.ItemRolledBack;
import dev.relay.contracts.ManagedResource;
import dev.relay.contracts.ManagedResource.ResourceKind;
import dev.relay.contracts.ResourceRepaired;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * reconcile-service's own view of the managed-resource ledger, built from access-service's events (it never reads
 * access-service's tables): {@code item.provisioned} adds what an item created, {@code resource.repaired} moves a row
 * to the resource as repaired (its host id may be new), {@code item.rolled-back} removes what was removed. Events of
 * different items arrive in no global order, so a row only takes an event at least as new as the one it holds (the
 * run's shared group is recorded by each of its items).
 */
@Component
public class LedgerView {

    private final JdbcClient jdbc;

    public LedgerView(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void provisioned(ItemProvisioned e) {
        for (ManagedResource r : e.resources()) {
            boolean itemLevel = r.kind() == ResourceKind.CHANNEL;
            upsert(r, e.runId(), itemLevel ? e.itemId() : null, e.occurredAt());
        }
        jdbc.sql("INSERT INTO ready_item (item_id, run_id, ready, updated_at) VALUES (:item, :run, false, :at)"
                        + " ON CONFLICT (item_id) DO UPDATE SET ready = false, updated_at = EXCLUDED.updated_at"
                        + " WHERE ready_item.updated_at <= EXCLUDED.updated_at")
                .param("item", e.itemId())
                .param("run", e.runId())
                .param("at", Timestamp.from(e.occurredAt()))
                .update();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void confirmed(ItemConfirmed e) {
        ready(e.itemId(), e.runId(), true, e.occurredAt());
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void confirmationFailed(ItemConfirmationFailed e) {
        ready(e.itemId(), e.runId(), false, e.occurredAt());
    }

    private void ready(UUID itemId, UUID runId, boolean ready, Instant at) {
        jdbc.sql("INSERT INTO ready_item (item_id, run_id, ready, updated_at) VALUES (:item, :run, :ready, :at)"
                        + " ON CONFLICT (item_id) DO UPDATE SET ready = EXCLUDED.ready, updated_at = EXCLUDED.updated_at"
                        + " WHERE ready_item.updated_at <= EXCLUDED.updated_at")
                .param("item", itemId)
                .param("run", runId)
                .param("ready", ready)
                .param("at", Timestamp.from(at))
                .update();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void rolledBack(ItemRolledBack e) {
        for (ManagedResource r : e.removed()) {
            jdbc.sql("DELETE FROM ledger_resource WHERE host_id = :host AND kind = :kind AND external_ref = :ref")
                    .param("host", r.hostId())
                    .param("kind", r.kind().name())
                    .param("ref", r.externalRef())
                    .update();
        }
        jdbc.sql("DELETE FROM ready_item WHERE item_id = :item")
                .param("item", e.itemId())
                .update();
    }

    /** The row follows the repaired resource; the finding that asked for it is the pass's business. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void repaired(ResourceRepaired e) {
        ManagedResource now = e.current();
        jdbc.sql("UPDATE ledger_resource SET resource_id = :id, spec_hash = :hash, recorded_at = GREATEST(recorded_at,"
                        + " :at) WHERE host_id = :host AND kind = :kind AND external_ref = :ref")
                .param("id", now.id())
                .param("hash", now.specHash())
                .param("at", Timestamp.from(e.occurredAt()))
                .param("host", now.hostId())
                .param("kind", now.kind().name())
                .param("ref", now.externalRef())
                .update();
    }

    private void upsert(ManagedResource r, UUID runId, UUID itemId, Instant at) {
        jdbc.sql("INSERT INTO ledger_resource (host_id, kind, external_ref, resource_id, run_id, item_id, spec_hash,"
                        + " recorded_at) VALUES (:host, :kind, :ref, :id, :run, :item, :hash, :at)"
                        + " ON CONFLICT (host_id, kind, external_ref) DO UPDATE SET resource_id = EXCLUDED.resource_id,"
                        + " spec_hash = EXCLUDED.spec_hash, recorded_at = EXCLUDED.recorded_at"
                        + " WHERE ledger_resource.recorded_at <= EXCLUDED.recorded_at")
                .param("host", r.hostId())
                .param("kind", r.kind().name())
                .param("ref", r.externalRef())
                .param("id", r.id())
                .param("run", runId)
                .param("item", itemId)
                .param("hash", r.specHash())
                .param("at", Timestamp.from(at))
                .update();
    }

    /** The rows of one run, or of every run (runId null), on one host. */
    public List<LedgerRow> rows(String hostId, UUID runId) {
        return jdbc.sql("SELECT * FROM ledger_resource WHERE host_id = :host"
                        + (runId == null ? "" : " AND run_id = :run") + " ORDER BY kind, external_ref")
                .param("host", hostId)
                .params(
                        runId == null
                                ? java.util.Map.<String, Object>of()
                                : java.util.Map.<String, Object>of("run", runId))
                .query(LedgerView::map)
                .list();
    }

    /** Every externalRef the view holds on a host (what is not an orphan there). */
    public java.util.Set<String> refs(String hostId) {
        return new java.util.HashSet<>(
                jdbc.sql("SELECT kind || '|' || external_ref FROM ledger_resource" + " WHERE host_id = :host")
                        .param("host", hostId)
                        .query(String.class)
                        .list());
    }

    /** The hosts the run (or, runId null, any run) has resources on. */
    public List<String> hosts(UUID runId) {
        return jdbc.sql("SELECT DISTINCT host_id FROM ledger_resource" + (runId == null ? "" : " WHERE run_id = :run")
                        + " ORDER BY host_id")
                .params(
                        runId == null
                                ? java.util.Map.<String, Object>of()
                                : java.util.Map.<String, Object>of("run", runId))
                .query(String.class)
                .list();
    }

    /** An item access-service confirmed ready and that still is, with its run. */
    public record ReadyItem(UUID itemId, UUID runId) {}

    /** The ready items of one run, or (runId null) of every run whose resources are on the host. */
    /**
     * The ready items on a host whose resources the ledger holds: a run's all ({@code runId} given), or for a pass over
     * every run at most {@code limit} of them (0 = no limit), those verified longest ago first.
     */
    public List<ReadyItem> readyItems(String hostId, UUID runId, int limit) {
        String sql = "SELECT r.item_id, r.run_id FROM ready_item r WHERE r.ready AND EXISTS (SELECT 1 FROM"
                + " ledger_resource l WHERE l.item_id = r.item_id AND l.host_id = :host)"
                + (runId == null
                        ? " ORDER BY r.verified_at NULLS FIRST, r.item_id" + (limit > 0 ? " LIMIT " + limit : "")
                        : " AND r.run_id = :run ORDER BY r.item_id");
        return jdbc.sql(sql)
                .param("host", hostId)
                .params(
                        runId == null
                                ? java.util.Map.<String, Object>of()
                                : java.util.Map.<String, Object>of("run", runId))
                .query((rs, i) -> new ReadyItem(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)))
                .list();
    }

    /** Notes that a ready item was just re-verified (it goes to the back of the next passes' queue). */
    public void verified(UUID itemId, Instant at) {
        jdbc.sql("UPDATE ready_item SET verified_at = :at WHERE item_id = :item")
                .param("at", java.sql.Timestamp.from(at))
                .param("item", itemId)
                .update();
    }

    public boolean knowsRun(UUID runId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM ledger_resource WHERE run_id = :run)")
                .param("run", runId)
                .query(Boolean.class)
                .single();
    }

    private static LedgerRow map(ResultSet rs, int i) throws SQLException {
        return new LedgerRow(
                rs.getString("host_id"),
                ResourceKind.valueOf(rs.getString("kind")),
                rs.getString("external_ref"),
                rs.getString("resource_id"),
                rs.getObject("run_id", UUID.class),
                rs.getObject("item_id", UUID.class),
                rs.getString("spec_hash"));
    }
}
