package dev.relay.access.items;

import dev.relay.contracts.ManagedResource;
import dev.relay.contracts.ManagedResource.ResourceKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The managed-resource ledger: one row per resource access-service created on a host, unique on host + type + host
 * id (and on host + type + {@code externalRef}, the idempotency key the host knows it by), with the spec that was
 * applied (credentials sealed, runtime status left out) and its canonical spec hash. Rollback and repair act only on
 * what is here.
 */
@Component
public class ResourceLedger {

    /** One ledger row. {@code itemId} is null for a run-level resource (the run's group and key). */
    public record Entry(
            UUID id,
            String hostId,
            ResourceKind type,
            String hostResourceId,
            String externalRef,
            UUID runId,
            UUID itemId,
            String spec,
            String specHash,
            Instant createdAt) {

        public ManagedResource asManaged() {
            return new ManagedResource(hostId, type, hostResourceId, externalRef, specHash);
        }
    }

    private final JdbcClient jdbc;

    public ResourceLedger(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** Records (or, for the same {@code externalRef}, updates) a resource; in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Entry record(
            String hostId,
            ResourceKind type,
            String hostResourceId,
            String externalRef,
            UUID runId,
            UUID itemId,
            String spec,
            String specHash,
            Instant now) {
        jdbc.sql("INSERT INTO managed_resource (id, host_id, resource_type, host_resource_id, external_ref,"
                        + " run_id, item_id, spec, spec_hash, created_at, updated_at) VALUES (:id, :host, :type, :rid,"
                        + " :ref, :run, :item, CAST(:spec AS jsonb), :hash, :now, :now)"
                        + " ON CONFLICT (host_id, resource_type, external_ref) DO UPDATE SET"
                        + " host_resource_id = EXCLUDED.host_resource_id, spec = EXCLUDED.spec,"
                        + " spec_hash = EXCLUDED.spec_hash, updated_at = EXCLUDED.updated_at"
                        // the run's group only widens (items add their models): an item that read it before
                        // another widened it must not record the narrower form over the wider one
                        + " WHERE managed_resource.resource_type <> 'GROUP' OR managed_resource.host_resource_id"
                        + " <> EXCLUDED.host_resource_id OR jsonb_array_length(EXCLUDED.spec -> 'models')"
                        + " >= jsonb_array_length(managed_resource.spec -> 'models')")
                .param("id", UUID.randomUUID())
                .param("host", hostId)
                .param("type", type.name())
                .param("rid", hostResourceId)
                .param("ref", externalRef)
                .param("run", runId)
                .param("item", itemId)
                .param("spec", spec)
                .param("hash", specHash)
                .param("now", Timestamp.from(now))
                .update();
        return jdbc.sql("SELECT * FROM managed_resource WHERE host_id = :host AND resource_type = :type"
                        + " AND external_ref = :ref")
                .param("host", hostId)
                .param("type", type.name())
                .param("ref", externalRef)
                .query(ResourceLedger::map)
                .single();
    }

    public List<Entry> ofItem(UUID itemId) {
        return jdbc.sql("SELECT * FROM managed_resource WHERE item_id = :item ORDER BY created_at")
                .param("item", itemId)
                .query(ResourceLedger::map)
                .list();
    }

    /** The run's own resources (group, key), not any item's. */
    public List<Entry> runLevel(UUID runId) {
        return jdbc.sql("SELECT * FROM managed_resource WHERE run_id = :run AND item_id IS NULL ORDER BY created_at")
                .param("run", runId)
                .query(ResourceLedger::map)
                .list();
    }

    /** How many item-level resources the run still has. */
    public int itemResourcesOfRun(UUID runId) {
        Integer n = jdbc.sql("SELECT count(*) FROM managed_resource WHERE run_id = :run AND item_id IS NOT NULL")
                .param("run", runId)
                .query(Integer.class)
                .single();
        return n == null ? 0 : n;
    }

    public Optional<Entry> byRef(String hostId, ResourceKind type, String externalRef) {
        return jdbc.sql("SELECT * FROM managed_resource WHERE host_id = :host AND resource_type = :type"
                        + " AND external_ref = :ref")
                .param("host", hostId)
                .param("type", type.name())
                .param("ref", externalRef)
                .query(ResourceLedger::map)
                .optional();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public boolean remove(UUID id) {
        return jdbc.sql("DELETE FROM managed_resource WHERE id = :id")
                        .param("id", id)
                        .update()
                > 0;
    }

    private static Entry map(ResultSet rs, int i) throws SQLException {
        Object item = rs.getObject("item_id");
        return new Entry(
                rs.getObject("id", UUID.class),
                rs.getString("host_id"),
                ResourceKind.valueOf(rs.getString("resource_type")),
                rs.getString("host_resource_id"),
                rs.getString("external_ref"),
                rs.getObject("run_id", UUID.class),
                item == null ? null : (UUID) item,
                rs.getString("spec"),
                rs.getString("spec_hash"),
                rs.getTimestamp("created_at").toInstant());
    }
}
