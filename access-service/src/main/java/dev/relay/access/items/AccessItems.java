package dev.relay.access.items;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.contracts.ProbeResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * access-service's row per item ({@code access_item}): the submission (secrets sealed), the probe result of the
 * attempt being provisioned, what was created for it and where it stands. Reads with {@code lock} take the row lock
 * for the caller's transaction, so two runs of one item (a redelivery, a lease that expired) serialise on it.
 */
@Component
public class AccessItems {

    /** Where an item stands in access-service. */
    public enum Stage {
        SUBMITTED,
        PROVISIONING,
        CONFIRMING,
        READY,
        FAILED,
        CANCELLED,
        ROLLING_BACK,
        ROLLED_BACK
    }

    public record Item(
            UUID itemId,
            UUID runId,
            String hostId,
            ItemSubmitted submitted,
            int attempt,
            ProbeResult probe,
            Stage stage,
            Map<String, String> channelIds,
            String groupId,
            String keyId,
            Long configVersion,
            Instant windowOpenedAt,
            int tries) {}

    static final JsonMapper JSON = EventCodec.mapper();
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;

    public AccessItems(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    public Optional<Item> find(UUID itemId, boolean lock) {
        return jdbc.sql("SELECT * FROM access_item WHERE item_id = :id" + (lock ? " FOR UPDATE" : ""))
                .param("id", itemId)
                .query(AccessItems::map)
                .optional();
    }

    public List<Item> ofRun(UUID runId, boolean lock) {
        return jdbc.sql("SELECT * FROM access_item WHERE run_id = :run ORDER BY item_id" + (lock ? " FOR UPDATE" : ""))
                .param("run", runId)
                .query(AccessItems::map)
                .list();
    }

    /** Records a submission; a newer attempt (a retry) replaces an older one and starts over. False: nothing new. */
    public boolean submitted(ItemSubmitted e, Instant now) {
        return jdbc.sql("INSERT INTO access_item (item_id, run_id, host_id, submitted, attempt, stage, updated_at)"
                                + " VALUES (:id, :run, :host, CAST(:sub AS jsonb), :attempt, 'SUBMITTED', :now)"
                                + " ON CONFLICT (item_id) DO UPDATE SET submitted = EXCLUDED.submitted,"
                                + " attempt = EXCLUDED.attempt, stage = 'SUBMITTED', probe_result = NULL, tries = 0,"
                                + " window_opened_at = NULL, evidence = NULL, completion = NULL, updated_at = :now"
                                + " WHERE access_item.attempt < EXCLUDED.attempt"
                                + " AND access_item.stage NOT IN ('ROLLING_BACK', 'ROLLED_BACK')")
                        .param("id", e.itemId())
                        .param("run", e.runId())
                        .param("host", e.hostId())
                        .param("sub", JSON.writeValueAsString(e))
                        .param("attempt", e.attempt())
                        .param("now", Timestamp.from(now))
                        .update()
                > 0;
    }

    /** The probe result of the item's current attempt; the item moves to provisioning. */
    public void probed(UUID itemId, int attempt, ProbeResult result, Instant now) {
        jdbc.sql("UPDATE access_item SET probe_result = CAST(:r AS jsonb), attempt = :attempt, stage = 'PROVISIONING',"
                        + " tries = 0, window_opened_at = NULL, evidence = NULL, completion = NULL, updated_at = :now"
                        + " WHERE item_id = :id")
                .param("r", JSON.writeValueAsString(result))
                .param("attempt", attempt)
                .param("now", Timestamp.from(now))
                .param("id", itemId)
                .update();
    }

    public void stage(UUID itemId, Stage stage, Instant now) {
        jdbc.sql("UPDATE access_item SET stage = :stage, updated_at = :now WHERE item_id = :id")
                .param("stage", stage.name())
                .param("now", Timestamp.from(now))
                .param("id", itemId)
                .update();
    }

    public void tried(UUID itemId, int tries, Instant now) {
        jdbc.sql("UPDATE access_item SET tries = :tries, updated_at = :now WHERE item_id = :id")
                .param("tries", tries)
                .param("now", Timestamp.from(now))
                .param("id", itemId)
                .update();
    }

    /**
     * A repair re-created a resource under a new host id: the items (and the accounting key row) that point at the
     * old id follow, so confirmation and re-verification pin the channel that exists. In the caller's transaction.
     */
    @org.springframework.transaction.annotation.Transactional(
            propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void resourceMoved(
            String hostId, dev.relay.contracts.ManagedResource.ResourceKind type, String oldId, String newId) {
        if (oldId.equals(newId)) {
            return;
        }
        switch (type) {
            case CHANNEL ->
                jdbc.sql("UPDATE access_item SET channel_ids = (SELECT jsonb_object_agg(e.key, CASE WHEN"
                                + " e.value #>> '{}' = :old THEN to_jsonb(CAST(:new AS text)) ELSE e.value END) FROM"
                                + " jsonb_each(channel_ids) e) WHERE host_id = :host AND channel_ids IS NOT NULL AND"
                                + " EXISTS (SELECT 1 FROM jsonb_each_text(channel_ids) x WHERE x.value = :old)")
                        .param("host", hostId)
                        .param("old", oldId)
                        .param("new", newId)
                        .update();
            case GROUP -> {
                jdbc.sql("UPDATE access_item SET group_id = :new WHERE host_id = :host AND group_id = :old")
                        .param("host", hostId)
                        .param("old", oldId)
                        .param("new", newId)
                        .update();
                jdbc.sql("UPDATE consumer_key SET group_id = :new WHERE host_id = :host AND group_id = :old")
                        .param("host", hostId)
                        .param("old", oldId)
                        .param("new", newId)
                        .update();
            }
            case CLIENT_KEY -> {
                jdbc.sql("UPDATE access_item SET key_id = :new WHERE host_id = :host AND key_id = :old")
                        .param("host", hostId)
                        .param("old", oldId)
                        .param("new", newId)
                        .update();
                jdbc.sql("UPDATE consumer_key SET key_id = :new WHERE host_id = :host AND key_id = :old")
                        .param("host", hostId)
                        .param("old", oldId)
                        .param("new", newId)
                        .update();
            }
            default -> {
                // accounting's own resources are not on the host
            }
        }
    }

    /** What provisioning created; the item moves to its confirmation window, which opens now. */
    public void provisioned(
            UUID itemId,
            Map<String, String> channelIds,
            String groupId,
            String keyId,
            long configVersion,
            Instant now) {
        jdbc.sql("UPDATE access_item SET channel_ids = CAST(:ch AS jsonb), group_id = :grp, key_id = :key,"
                        + " config_version = :v, stage = 'CONFIRMING', window_opened_at = :now, tries = 0,"
                        + " updated_at = :now WHERE item_id = :id")
                .param("ch", JSON.writeValueAsString(channelIds))
                .param("grp", groupId)
                .param("key", keyId)
                .param("v", configVersion)
                .param("now", Timestamp.from(now))
                .param("id", itemId)
                .update();
    }

    /** The calls of the latest confirmation attempt, kept as evidence while the window is open. */
    public void attempted(UUID itemId, int tries, String evidenceJson, Instant now) {
        jdbc.sql("UPDATE access_item SET tries = :tries, evidence = CAST(:ev AS jsonb), updated_at = :now"
                        + " WHERE item_id = :id")
                .param("tries", tries)
                .param("ev", evidenceJson)
                .param("now", Timestamp.from(now))
                .param("id", itemId)
                .update();
    }

    /** The item's access is settled: READY or FAILED, with its completion evidence (ok, status, type, preview). */
    public void completed(UUID itemId, Stage stage, String completionJson, Instant now) {
        jdbc.sql("UPDATE access_item SET stage = :stage, completion = CAST(:c AS jsonb), updated_at = :now"
                        + " WHERE item_id = :id")
                .param("stage", stage.name())
                .param("c", completionJson)
                .param("now", Timestamp.from(now))
                .param("id", itemId)
                .update();
    }

    private static Item map(ResultSet rs, int i) throws SQLException {
        String probe = rs.getString("probe_result");
        String channels = rs.getString("channel_ids");
        Timestamp window = rs.getTimestamp("window_opened_at");
        long v = rs.getLong("config_version");
        Long version = rs.wasNull() ? null : v;
        return new Item(
                rs.getObject("item_id", UUID.class),
                rs.getObject("run_id", UUID.class),
                rs.getString("host_id"),
                JSON.readValue(rs.getString("submitted"), ItemSubmitted.class),
                rs.getInt("attempt"),
                probe == null ? null : JSON.readValue(probe, ProbeResult.class),
                Stage.valueOf(rs.getString("stage")),
                channels == null ? Map.of() : JSON.readValue(channels, STRING_MAP),
                rs.getString("group_id"),
                rs.getString("key_id"),
                version,
                window == null ? null : window.toInstant(),
                rs.getInt("tries"));
    }
}
