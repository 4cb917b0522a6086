package dev.relay.access.accounting;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads of the accounting tables shared by the ledger, the enforcement and the operator API. */
@Component
public class AccountStore {

    /** A consumer row. {@code balanceTokens} null = no balance. */
    public record ConsumerRow(
            UUID id, String name, String kind, Long balanceTokens, UUID runId, Instant createdAt, Instant updatedAt) {}

    /** A governed key and the state accounting wants it in on its host. */
    public record KeyRow(
            String hostId,
            String keyId,
            UUID consumerId,
            String groupId,
            UUID runId,
            boolean exhausted,
            String exhaustedReason,
            Instant exhaustedUntil,
            long stateVersion,
            long edgeVersion,
            Instant edgeSyncedAt,
            Instant createdAt) {

        public boolean edgeInSync() {
            return edgeVersion >= stateVersion;
        }
    }

    static final String CONSUMER_COLUMNS = "id, name, kind, balance_tokens, run_id, created_at, updated_at";
    static final String KEY_COLUMNS = "host_id, key_id, consumer_id, group_id, run_id, exhausted, exhausted_reason,"
            + " exhausted_until, state_version, edge_version, edge_synced_at, created_at";
    static final String SUBSCRIPTION_COLUMNS =
            "id, consumer_id, host_id, group_id, allowance_tokens, period, starts_at, expires_at, created_at";

    private final JdbcClient jdbc;

    public AccountStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    public Optional<ConsumerRow> consumer(UUID id) {
        return jdbc.sql("SELECT " + CONSUMER_COLUMNS + " FROM consumer WHERE id = :id")
                .param("id", id)
                .query(AccountStore::consumerRow)
                .optional();
    }

    public Optional<ConsumerRow> consumerByName(String name) {
        return jdbc.sql("SELECT " + CONSUMER_COLUMNS + " FROM consumer WHERE name = :name")
                .param("name", name)
                .query(AccountStore::consumerRow)
                .optional();
    }

    /** Locks the consumers, always in id order (so two transactions never wait on each other in a cycle). */
    public Map<UUID, ConsumerRow> lockConsumers(Collection<UUID> ids) {
        Map<UUID, ConsumerRow> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        jdbc.sql("SELECT " + CONSUMER_COLUMNS + " FROM consumer WHERE id IN (:ids) ORDER BY id FOR UPDATE")
                .param("ids", List.copyOf(ids))
                .query(AccountStore::consumerRow)
                .list()
                .forEach(c -> out.put(c.id(), c));
        return out;
    }

    public Map<UUID, List<Allowances.Subscription>> subscriptions(Collection<UUID> consumerIds) {
        Map<UUID, List<Allowances.Subscription>> out = new HashMap<>();
        if (consumerIds.isEmpty()) {
            return out;
        }
        jdbc.sql("SELECT " + SUBSCRIPTION_COLUMNS + " FROM subscription WHERE consumer_id IN (:ids)")
                .param("ids", List.copyOf(consumerIds))
                .query((rs, i) -> {
                    out.computeIfAbsent(rs.getObject("consumer_id", UUID.class), k -> new ArrayList<>())
                            .add(subscription(rs));
                    return null;
                })
                .list();
        return out;
    }

    /** Tokens a subscription used in the period starting at {@code periodStart} (0 before its first debit). */
    public long used(UUID subscriptionId, Instant periodStart) {
        return jdbc.sql("SELECT used_tokens FROM subscription_period WHERE subscription_id = :id AND period_start = :s")
                .param("id", subscriptionId)
                .param("s", Timestamp.from(periodStart))
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    public List<KeyRow> keysOf(Collection<UUID> consumerIds) {
        if (consumerIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT " + KEY_COLUMNS
                        + " FROM consumer_key WHERE consumer_id IN (:ids) ORDER BY host_id, key_id")
                .param("ids", List.copyOf(consumerIds))
                .query(AccountStore::keyRow)
                .list();
    }

    /** The governed keys with these ids (on any host; key ids are random, so one per id in practice). */
    public Map<String, List<KeyRow>> keysById(Collection<String> keyIds) {
        Map<String, List<KeyRow>> out = new HashMap<>();
        if (keyIds.isEmpty()) {
            return out;
        }
        jdbc.sql("SELECT " + KEY_COLUMNS + " FROM consumer_key WHERE key_id IN (:ids)")
                .param("ids", List.copyOf(keyIds))
                .query(AccountStore::keyRow)
                .list()
                .forEach(k ->
                        out.computeIfAbsent(k.keyId(), x -> new ArrayList<>()).add(k));
        return out;
    }

    public Optional<KeyRow> key(String hostId, String keyId) {
        return jdbc.sql("SELECT " + KEY_COLUMNS + " FROM consumer_key WHERE host_id = :h AND key_id = :k")
                .param("h", hostId)
                .param("k", keyId)
                .query(AccountStore::keyRow)
                .optional();
    }

    public static ConsumerRow consumerRow(ResultSet rs, int i) throws SQLException {
        long balance = rs.getLong("balance_tokens");
        Long balanceTokens = rs.wasNull() ? null : balance; // read before any other column
        return new ConsumerRow(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("kind"),
                balanceTokens,
                rs.getObject("run_id", UUID.class),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    public static KeyRow keyRow(ResultSet rs, int i) throws SQLException {
        return new KeyRow(
                rs.getString("host_id"),
                rs.getString("key_id"),
                rs.getObject("consumer_id", UUID.class),
                rs.getString("group_id"),
                rs.getObject("run_id", UUID.class),
                rs.getBoolean("exhausted"),
                rs.getString("exhausted_reason"),
                instant(rs, "exhausted_until"),
                rs.getLong("state_version"),
                rs.getLong("edge_version"),
                instant(rs, "edge_synced_at"),
                instant(rs, "created_at"));
    }

    public static Allowances.Subscription subscription(ResultSet rs) throws SQLException {
        return new Allowances.Subscription(
                rs.getObject("id", UUID.class),
                rs.getString("host_id"),
                rs.getString("group_id"),
                rs.getLong("allowance_tokens"),
                Period.parse(rs.getString("period")),
                instant(rs, "starts_at"),
                instant(rs, "expires_at"),
                instant(rs, "created_at"));
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
