package dev.relay.gateway.config;

import dev.relay.contracts.SealedSecret;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * SQL over the {@code gateway} config tables. Callers own the transaction.
 *
 * <p>A row keeps its spec (a {@link ChannelSpec}, {@link GroupSpec} or {@link KeySpec}) in the jsonb column
 * {@code spec}, written and read by {@link SpecJson}; only the spec fields the database constrains, finds or joins by,
 * and the status the gateway itself sets, have columns of their own (the {@code *_COLUMN_FIELDS} below; they are left
 * out of {@code spec}). So a field added to a spec record is stored without a change here or a migration.
 */
public class ConfigRepository {

    private static final String CHANNEL_COLUMNS = "id, name, status, status_reason, managed_by, external_ref, spec,"
            + " credential_ciphertext, credential_key_id, credential_fingerprint, version, created_at, updated_at";
    private static final String GROUP_COLUMNS =
            "id, name, status, managed_by, external_ref, spec, version, created_at, updated_at";
    private static final String KEY_COLUMNS = "id, group_id, name, status, status_reason, status_until, managed_by,"
            + " external_ref, spec, key_hash, key_prefix, version, created_at, updated_at";

    /** The spec fields with a column of their own (same name in snake case), left out of the {@code spec} column. */
    static final List<String> CHANNEL_COLUMN_FIELDS =
            List.of("name", "status", "statusReason", "managedBy", "externalRef");

    static final List<String> GROUP_COLUMN_FIELDS = List.of("name", "status", "managedBy", "externalRef");
    static final List<String> KEY_COLUMN_FIELDS =
            List.of("groupId", "name", "status", "statusReason", "statusUntil", "managedBy", "externalRef");

    private static final Logger log = LoggerFactory.getLogger(ConfigRepository.class);

    private final Set<String> reportedInvalid = ConcurrentHashMap.newKeySet();
    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();
    /** Key id assumed for credentials stored without one. */
    private final String defaultKeyId;

    public ConfigRepository(JdbcClient jdbc, String defaultKeyId) {
        this.jdbc = jdbc;
        this.defaultKeyId = defaultKeyId;
    }

    // ---- config version ----------------------------------------------------------------------------------------

    /** How many versions of the change log are kept (older rows are pruned; a replica further behind loads all). */
    static final long CHANGE_LOG_RETAINED = 20_000;

    /**
     * Increments the config version under the row lock (held to commit: versions commit in order) and logs which
     * entity the new version changed ({@code config_change}), so replicas can load only what changed. Every writer
     * of the configuration bumps through here.
     */
    public long bumpVersion(String kind, String id) {
        long version = jdbc.sql("WITH v AS (UPDATE config_version SET version = version + 1 WHERE id = 1 RETURNING"
                        + " version) INSERT INTO config_change (version, kind, entity_id) SELECT version, :kind, :id"
                        + " FROM v RETURNING version")
                .param("kind", kind)
                .param("id", id)
                .query(Long.class)
                .single();
        if (version % 1_000 == 0) {
            jdbc.sql("DELETE FROM config_change WHERE version <= :v")
                    .param("v", version - CHANGE_LOG_RETAINED)
                    .update();
        }
        return version;
    }

    /** Forgets a channel's shared cooldown (it was re-enabled or deleted). */
    public void clearCooldown(String channelId) {
        jdbc.sql("DELETE FROM channel_cooldown WHERE channel_id = :id")
                .param("id", channelId)
                .update();
    }

    /** One logged change: the entity a config version changed. */
    public record Change(long version, String kind, String entityId) {}

    /**
     * The changes after {@code version}, oldest first, at most {@code limit + 1} of them (more than {@code limit}
     * tells the caller to load everything instead).
     */
    public List<Change> changesAfter(long version, int limit) {
        return jdbc.sql("SELECT version, kind, entity_id FROM config_change WHERE version > :v ORDER BY version"
                        + " LIMIT :limit")
                .param("v", version)
                .param("limit", limit + 1)
                .query((rs, i) -> new Change(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .list();
    }

    public List<ChannelRecord> channelsByIds(java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc
                .sql("SELECT " + CHANNEL_COLUMNS + " FROM channel WHERE id = ANY(:ids)")
                .param("ids", ids.toArray(String[]::new))
                .query(this::channel)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .toList();
    }

    public List<GroupRecord> groupsByIds(java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc
                .sql("SELECT " + GROUP_COLUMNS + " FROM client_group WHERE id = ANY(:ids)")
                .param("ids", ids.toArray(String[]::new))
                .query(this::group)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .toList();
    }

    public List<KeyRecord> keysByIds(java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc
                .sql("SELECT " + KEY_COLUMNS + " FROM client_key WHERE id = ANY(:ids)")
                .param("ids", ids.toArray(String[]::new))
                .query(this::key)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .toList();
    }

    public long currentVersion() {
        return jdbc.sql("SELECT version FROM config_version WHERE id = 1")
                .query(Long.class)
                .single();
    }

    // ---- channels ----------------------------------------------------------------------------------------------

    public Optional<ChannelRecord> findChannel(String id, boolean forUpdate) {
        return jdbc
                .sql("SELECT " + CHANNEL_COLUMNS + " FROM channel WHERE id = :id" + (forUpdate ? " FOR UPDATE" : ""))
                .param("id", id)
                .query(this::channel)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .findFirst();
    }

    public Optional<ChannelRecord> findChannelByRef(String managedBy, String externalRef) {
        return jdbc
                .sql("SELECT " + CHANNEL_COLUMNS
                        + " FROM channel WHERE managed_by = :managedBy AND external_ref = :externalRef")
                .param("managedBy", managedBy)
                .param("externalRef", externalRef)
                .query(this::channel)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .findFirst();
    }

    public List<ChannelRecord> listChannels(ConfigFilter f) {
        Where w = where(f);
        if (f.groupId() != null) {
            w.add(
                    "spec -> 'groups' @> CAST(:groupJson AS jsonb)",
                    "groupJson",
                    json.writeValueAsString(List.of(f.groupId())));
        }
        if (f.model() != null) {
            w.add(
                    "spec -> 'models' @> CAST(:modelJson AS jsonb)",
                    "modelJson",
                    json.writeValueAsString(List.of(f.model())));
        }
        return w
                .bind(jdbc.sql("SELECT " + CHANNEL_COLUMNS + " FROM channel" + w + orderAndPage(f)))
                .query(this::channel)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .toList();
    }

    /** Channels whose allowed groups name this group. */
    public List<String> channelsRestrictedTo(String groupId) {
        return jdbc.sql("SELECT id FROM channel WHERE spec -> 'groups' @> CAST(:g AS jsonb) ORDER BY id")
                .param("g", json.writeValueAsString(List.of(groupId)))
                .query(String.class)
                .list();
    }

    public void insertChannel(ChannelRecord r) {
        bindChannel(
                        jdbc.sql("INSERT INTO channel (" + CHANNEL_COLUMNS + ") VALUES (:id, :name, :status,"
                                + " :statusReason, :managedBy, :externalRef, CAST(:spec AS jsonb), :ciphertext,"
                                + " :keyId, :fingerprint, :version, :createdAt, :updatedAt)"),
                        r)
                .update();
    }

    public void updateChannel(ChannelRecord r) {
        bindChannel(
                        jdbc.sql("UPDATE channel SET name = :name, status = :status, status_reason = :statusReason,"
                                + " managed_by = :managedBy, external_ref = :externalRef, spec = CAST(:spec AS jsonb),"
                                + " credential_ciphertext = :ciphertext, credential_key_id = :keyId,"
                                + " credential_fingerprint = :fingerprint, version = :version,"
                                + " updated_at = :updatedAt WHERE id = :id"),
                        r)
                .update();
    }

    public boolean deleteChannel(String id) {
        return jdbc.sql("DELETE FROM channel WHERE id = :id").param("id", id).update() == 1;
    }

    private JdbcClient.StatementSpec bindChannel(JdbcClient.StatementSpec s, ChannelRecord r) {
        ChannelSpec c = r.spec();
        return s.param("id", r.id())
                .param("name", c.name())
                .param("status", c.status().name())
                .param("statusReason", c.statusReason(), java.sql.Types.VARCHAR)
                .param("managedBy", c.managedBy(), java.sql.Types.VARCHAR)
                .param("externalRef", c.externalRef(), java.sql.Types.VARCHAR)
                .param("spec", specColumn(c, CHANNEL_COLUMN_FIELDS))
                .param("ciphertext", r.credential().ciphertext())
                .param("keyId", r.credential().keyId())
                .param("fingerprint", r.credential().fingerprint())
                .param("version", r.version())
                .param("createdAt", Timestamp.from(r.createdAt()))
                .param("updatedAt", Timestamp.from(r.updatedAt()));
    }

    /**
     * A stored row that no longer passes validation (written by an older version or by hand) is logged and skipped,
     * never allowed to fail a whole snapshot load.
     */
    private <T> T tolerant(ResultSet rs, String kind, RowReader<T> reader) throws SQLException {
        try {
            return reader.read(rs);
        } catch (ConfigException ex) {
            String id = rs.getString("id");
            if (reportedInvalid.add(kind + ":" + id + "@" + rs.getLong("version"))) {
                log.error(
                        "{} {} in the database is invalid and is ignored: {} ({})",
                        kind,
                        id,
                        ex.getMessage(),
                        ex.param());
            }
            return null;
        }
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private ChannelRecord channel(ResultSet rs, int row) throws SQLException {
        return tolerant(rs, "channel", this::channelRow);
    }

    private GroupRecord group(ResultSet rs, int row) throws SQLException {
        return tolerant(rs, "group", this::groupRow);
    }

    private KeyRecord key(ResultSet rs, int row) throws SQLException {
        return tolerant(rs, "key", this::keyRow);
    }

    private ChannelRecord channelRow(ResultSet rs) throws SQLException {
        String keyId = rs.getString("credential_key_id");
        return new ChannelRecord(
                rs.getString("id"),
                spec(rs, ChannelSpec.class, CHANNEL_COLUMN_FIELDS),
                new SealedSecret(
                        keyId == null ? defaultKeyId : keyId,
                        rs.getString("credential_ciphertext"),
                        rs.getString("credential_fingerprint")),
                rs.getLong("version"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    // ---- groups ------------------------------------------------------------------------------------------------

    public Optional<GroupRecord> findGroup(String id, boolean forUpdate) {
        return jdbc
                .sql("SELECT " + GROUP_COLUMNS + " FROM client_group WHERE id = :id" + (forUpdate ? " FOR UPDATE" : ""))
                .param("id", id)
                .query(this::group)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .findFirst();
    }

    public Optional<GroupRecord> findGroupByRef(String managedBy, String externalRef) {
        return jdbc
                .sql("SELECT " + GROUP_COLUMNS
                        + " FROM client_group WHERE managed_by = :managedBy AND external_ref = :externalRef")
                .param("managedBy", managedBy)
                .param("externalRef", externalRef)
                .query(this::group)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .findFirst();
    }

    /** Locks the group row against a concurrent delete (FOR KEY SHARE) and tells whether it exists. */
    public boolean lockGroupExists(String id) {
        return jdbc.sql("SELECT id FROM client_group WHERE id = :id FOR KEY SHARE")
                .param("id", id)
                .query(String.class)
                .optional()
                .isPresent();
    }

    public List<GroupRecord> listGroups(ConfigFilter f) {
        Where w = where(f);
        return w
                .bind(jdbc.sql("SELECT " + GROUP_COLUMNS + " FROM client_group" + w + orderAndPage(f)))
                .query(this::group)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .toList();
    }

    public void insertGroup(GroupRecord r) {
        bindGroup(
                        jdbc.sql("INSERT INTO client_group (" + GROUP_COLUMNS + ") VALUES (:id, :name, :status,"
                                + " :managedBy, :externalRef, CAST(:spec AS jsonb), :version, :createdAt,"
                                + " :updatedAt)"),
                        r)
                .update();
    }

    public void updateGroup(GroupRecord r) {
        bindGroup(
                        jdbc.sql("UPDATE client_group SET name = :name, status = :status, managed_by = :managedBy,"
                                + " external_ref = :externalRef, spec = CAST(:spec AS jsonb), version = :version,"
                                + " updated_at = :updatedAt WHERE id = :id"),
                        r)
                .update();
    }

    public boolean deleteGroup(String id) {
        return jdbc.sql("DELETE FROM client_group WHERE id = :id")
                        .param("id", id)
                        .update()
                == 1;
    }

    public long countKeysInGroup(String groupId) {
        return jdbc.sql("SELECT count(*) FROM client_key WHERE group_id = :g")
                .param("g", groupId)
                .query(Long.class)
                .single();
    }

    private JdbcClient.StatementSpec bindGroup(JdbcClient.StatementSpec s, GroupRecord r) {
        GroupSpec g = r.spec();
        return s.param("id", r.id())
                .param("name", g.name())
                .param("status", g.status().name())
                .param("managedBy", g.managedBy(), java.sql.Types.VARCHAR)
                .param("externalRef", g.externalRef(), java.sql.Types.VARCHAR)
                .param("spec", specColumn(g, GROUP_COLUMN_FIELDS))
                .param("version", r.version())
                .param("createdAt", Timestamp.from(r.createdAt()))
                .param("updatedAt", Timestamp.from(r.updatedAt()));
    }

    private GroupRecord groupRow(ResultSet rs) throws SQLException {
        return new GroupRecord(
                rs.getString("id"),
                spec(rs, GroupSpec.class, GROUP_COLUMN_FIELDS),
                rs.getLong("version"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    // ---- keys --------------------------------------------------------------------------------------------------

    public Optional<KeyRecord> findKey(String id, boolean forUpdate) {
        return jdbc
                .sql("SELECT " + KEY_COLUMNS + " FROM client_key WHERE id = :id" + (forUpdate ? " FOR UPDATE" : ""))
                .param("id", id)
                .query(this::key)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .findFirst();
    }

    public Optional<KeyRecord> findKeyByRef(String managedBy, String externalRef) {
        return jdbc
                .sql("SELECT " + KEY_COLUMNS
                        + " FROM client_key WHERE managed_by = :managedBy AND external_ref = :externalRef")
                .param("managedBy", managedBy)
                .param("externalRef", externalRef)
                .query(this::key)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .findFirst();
    }

    public List<KeyRecord> listKeys(ConfigFilter f) {
        Where w = where(f);
        if (f.groupId() != null) {
            w.add("group_id = :groupId", "groupId", f.groupId());
        }
        return w
                .bind(jdbc.sql("SELECT " + KEY_COLUMNS + " FROM client_key" + w + orderAndPage(f)))
                .query(this::key)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .toList();
    }

    public void insertKey(KeyRecord r) {
        bindKey(
                        jdbc.sql("INSERT INTO client_key (" + KEY_COLUMNS + ") VALUES (:id, :groupId, :name,"
                                + " :status, :statusReason, :statusUntil, :managedBy, :externalRef,"
                                + " CAST(:spec AS jsonb), :keyHash, :keyPrefix, :version, :createdAt, :updatedAt)"),
                        r)
                .update();
    }

    public void updateKey(KeyRecord r) {
        bindKey(
                        jdbc.sql("UPDATE client_key SET group_id = :groupId, name = :name, status = :status,"
                                + " status_reason = :statusReason, status_until = :statusUntil,"
                                + " managed_by = :managedBy, external_ref = :externalRef,"
                                + " spec = CAST(:spec AS jsonb), version = :version,"
                                + " updated_at = :updatedAt WHERE id = :id AND key_hash = :keyHash"),
                        r)
                .update();
    }

    public boolean deleteKey(String id) {
        return jdbc.sql("DELETE FROM client_key WHERE id = :id").param("id", id).update() == 1;
    }

    private JdbcClient.StatementSpec bindKey(JdbcClient.StatementSpec s, KeyRecord r) {
        KeySpec k = r.spec();
        return s.param("id", r.id())
                .param("groupId", k.groupId())
                .param("name", k.name())
                .param("keyHash", HexFormat.of().parseHex(r.keyHash()))
                .param("keyPrefix", r.keyPrefix())
                .param("status", k.status().name())
                .param("statusReason", k.statusReason(), java.sql.Types.VARCHAR)
                .param(
                        "statusUntil",
                        k.statusUntil() == null ? null : Timestamp.from(k.statusUntil()),
                        java.sql.Types.TIMESTAMP)
                .param("managedBy", k.managedBy(), java.sql.Types.VARCHAR)
                .param("externalRef", k.externalRef(), java.sql.Types.VARCHAR)
                .param("spec", specColumn(k, KEY_COLUMN_FIELDS))
                .param("version", r.version())
                .param("createdAt", Timestamp.from(r.createdAt()))
                .param("updatedAt", Timestamp.from(r.updatedAt()));
    }

    private KeyRecord keyRow(ResultSet rs) throws SQLException {
        return new KeyRecord(
                rs.getString("id"),
                spec(rs, KeySpec.class, KEY_COLUMN_FIELDS),
                rs.getString("key_prefix"),
                HexFormat.of().formatHex(rs.getBytes("key_hash")),
                rs.getLong("version"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** The {@code spec} column's JSON: the spec without the fields that have columns of their own. */
    private String specColumn(Record spec, List<String> columnFields) {
        return json.writeValueAsString(SpecJson.write(spec).remove(columnFields));
    }

    /**
     * A row's spec: the {@code spec} column with the column fields put back (column {@code snake_case} of each field,
     * timestamps as ISO-8601), validated by the spec's constructor; an invalid row is a {@link ConfigException}.
     */
    private <S extends Record> S spec(ResultSet rs, Class<S> type, List<String> columnFields) throws SQLException {
        if (!(json.readTree(rs.getString("spec")) instanceof ObjectNode doc)) {
            throw ConfigException.invalid("spec", "the spec column does not hold a JSON object");
        }
        for (String field : columnFields) {
            Object value = rs.getObject(COLUMN_OF.get(field));
            doc.put(field, value instanceof Timestamp t ? t.toInstant().toString() : (String) value);
        }
        return SpecJson.read(doc, type, SpecJson.Source.STORAGE, Set.of());
    }

    /** {@code statusReason} -> {@code status_reason}. */
    static String column(String field) {
        return field.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }

    /** The column of every column field. */
    private static final Map<String, String> COLUMN_OF = java.util.stream.Stream.of(
                    CHANNEL_COLUMN_FIELDS, GROUP_COLUMN_FIELDS, KEY_COLUMN_FIELDS)
            .flatMap(List::stream)
            .distinct()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(f -> f, ConfigRepository::column));

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Where where(ConfigFilter f) {
        Where w = new Where();
        if (f.managedBy() != null) {
            w.add("managed_by = :managedBy", "managedBy", f.managedBy());
        }
        if (f.externalRef() != null) {
            w.add("external_ref = :externalRef", "externalRef", f.externalRef());
        }
        if (f.externalRefPrefix() != null) {
            // text_pattern_ops index (V8): a prefix is an index range, whatever the database's collation
            w.add("external_ref LIKE :refPrefix ESCAPE '\\'", "refPrefix", likePrefix(f.externalRefPrefix()));
        }
        if (f.notManagedBy() != null) {
            w.add("managed_by IS DISTINCT FROM :notManagedBy", "notManagedBy", f.notManagedBy());
        }
        if (f.status() != null) {
            w.add("status = :status", "status", f.status());
        }
        if (f.after() != null) {
            w.conditions.add("(created_at, id) > (:afterAt, :afterId)");
            w.params.put("afterAt", Timestamp.from(f.after().createdAt()));
            w.params.put("afterId", f.after().id());
        }
        return w;
    }

    /** The list's order, and its page: one row more than the limit, so the caller knows whether a next page exists. */
    private static String orderAndPage(ConfigFilter f) {
        return " ORDER BY created_at, id" + (f.limit() > 0 ? " LIMIT " + (f.limit() + 1) : "");
    }

    private static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** A conjunction of conditions with their named parameters. */
    private static final class Where {
        private final List<String> conditions = new ArrayList<>();
        private final Map<String, Object> params = new LinkedHashMap<>();

        void add(String condition, String param, Object value) {
            conditions.add(condition);
            params.put(param, value);
        }

        JdbcClient.StatementSpec bind(JdbcClient.StatementSpec s) {
            return params.isEmpty() ? s : s.params(params);
        }

        @Override
        public String toString() {
            return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        }
    }
}
