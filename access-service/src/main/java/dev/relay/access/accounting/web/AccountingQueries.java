package dev.relay.access.accounting.web;

import dev.relay.access.accounting.AccountStore;
import dev.relay.access.accounting.AccountingException;
import dev.relay.access.accounting.AccountingProperties;
import dev.relay.access.accounting.Allowances;
import dev.relay.access.accounting.Period;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The read side of the accounting API: pages of consumers, keys, subscriptions, entries, requests and summaries. */
@Component
public class AccountingQueries {

    /** A page: {@code data}, {@code hasMore}, {@code nextCursor}. */
    public record Page<T>(List<T> data, boolean hasMore, String nextCursor) {}

    public record ConsumerView(
            UUID id,
            String name,
            String kind,
            Long balanceTokens,
            boolean unlimited,
            UUID runId,
            Instant createdAt,
            Instant updatedAt) {}

    public record ConsumerDetail(
            UUID id,
            String name,
            String kind,
            Long balanceTokens,
            boolean unlimited,
            UUID runId,
            Instant createdAt,
            Instant updatedAt,
            List<KeyView> keys,
            boolean moreKeys,
            List<SubscriptionView> subscriptions,
            boolean moreSubscriptions) {}

    public record KeyView(
            String hostId,
            String keyId,
            String groupId,
            UUID runId,
            String status,
            String exhaustedReason,
            Instant exhaustedUntil,
            boolean edgeInSync,
            Instant edgeSyncedAt,
            Instant createdAt) {}

    public record CurrentPeriod(
            Instant periodStart, Instant periodEnd, long usedTokens, long remainingTokens, long requests) {}

    public record SubscriptionView(
            UUID id,
            UUID consumerId,
            String hostId,
            String groupId,
            long allowanceTokens,
            String period,
            Instant startsAt,
            Instant expiresAt,
            String state,
            CurrentPeriod current,
            Instant createdAt) {}

    public record EntryView(
            UUID id,
            String kind,
            long tokens,
            long balanceAfter,
            String idempotencyKey,
            Integer requests,
            String note,
            Instant createdAt) {}

    public record RequestView(
            String requestId,
            Instant occurredAt,
            String edgeId,
            String purpose,
            String keyId,
            String hostId,
            UUID consumerId,
            String groupId,
            String clientApi,
            String publicModel,
            String upstreamModel,
            String channelId,
            boolean stream,
            long promptTokens,
            long completionTokens,
            long cacheReadTokens,
            long cacheWriteTokens,
            boolean estimated,
            double weight,
            long weightedTokens,
            long debitedTokens,
            UUID subscriptionId,
            long subscriptionTokens,
            long balanceTokens,
            int status,
            String outcome,
            long latencyMs,
            Long ttftMs,
            int attempts) {}

    /** Filters of the request history and the summary. */
    public record Filters(
            String keyId,
            UUID consumerId,
            String model,
            String channelId,
            String status,
            String purpose,
            Instant from,
            Instant to) {}

    public record SummaryRow(
            Instant bucket,
            String group,
            long requests,
            long okRequests,
            long failedRequests,
            long promptTokens,
            long completionTokens,
            long cacheReadTokens,
            long cacheWriteTokens,
            long weightedTokens,
            long debitedTokens,
            Long avgLatencyMs,
            Long avgTtftMs) {}

    public record Summary(
            String groupBy,
            String bucket,
            Instant from,
            Instant to,
            String timeZone,
            List<SummaryRow> data,
            boolean hasMore,
            String nextCursor) {}

    private static final Map<String, String> GROUP_COLUMNS =
            Map.of("model", "public_model", "key", "key_id", "consumer", "consumer_id", "channel", "channel_id");

    private final JdbcClient jdbc;
    private final AccountStore store;
    private final Clock clock;
    private final ZoneId zone;
    private final String zoneName;

    public AccountingQueries(DataSource dataSource, AccountStore store, Clock clock, AccountingProperties properties) {
        this.jdbc = JdbcClient.create(dataSource);
        this.store = store;
        this.clock = clock;
        this.zone = properties.zone();
        this.zoneName = properties.timeZone();
    }

    public Page<ConsumerView> consumers(String cursor, int limit) {
        Cursors.Position at = Cursors.decode(cursor);
        String sql = "SELECT id, name, kind, balance_tokens, run_id, created_at, updated_at, "
                + "(SELECT count(*) FROM subscription s WHERE s.consumer_id = consumer.id) AS subs FROM consumer"
                + (at == null ? "" : " WHERE (created_at, id) < (:at, CAST(:id AS uuid))")
                + " ORDER BY created_at DESC, id DESC LIMIT :n";
        JdbcClient.StatementSpec q = jdbc.sql(sql).param("n", limit + 1);
        if (at != null) {
            q = q.param("at", Timestamp.from(at.at())).param("id", at.id());
        }
        List<ConsumerView> rows = q.query((rs, i) -> {
                    AccountStore.ConsumerRow c = AccountStore.consumerRow(rs, i);
                    return view(c, rs.getLong("subs"));
                })
                .list();
        return page(rows, limit, v -> Cursors.encode(v.createdAt(), v.id().toString()));
    }

    public ConsumerView consumer(UUID id) {
        AccountStore.ConsumerRow c = store.consumer(id).orElseThrow(() -> AccountingException.consumerNotFound(id));
        return view(c, subscriptionCount(id));
    }

    public ConsumerDetail detail(UUID id) {
        ConsumerView c = consumer(id);
        Page<KeyView> keys = keys(id, null, 100);
        Page<SubscriptionView> subs = subscriptions(id, null, 100);
        return new ConsumerDetail(
                c.id(),
                c.name(),
                c.kind(),
                c.balanceTokens(),
                c.unlimited(),
                c.runId(),
                c.createdAt(),
                c.updatedAt(),
                keys.data(),
                keys.hasMore(),
                subs.data(),
                subs.hasMore());
    }

    private long subscriptionCount(UUID id) {
        return jdbc.sql("SELECT count(*) FROM subscription WHERE consumer_id = :id")
                .param("id", id)
                .query(Long.class)
                .single();
    }

    private static ConsumerView view(AccountStore.ConsumerRow c, long subscriptions) {
        return new ConsumerView(
                c.id(),
                c.name(),
                c.kind(),
                c.balanceTokens(),
                c.balanceTokens() == null && subscriptions == 0,
                c.runId(),
                c.createdAt(),
                c.updatedAt());
    }

    public Page<KeyView> keys(UUID consumerId, String cursor, int limit) {
        consumer(consumerId);
        Cursors.Position at = Cursors.decode(cursor);
        String sql = "SELECT host_id, key_id, consumer_id, group_id, run_id, exhausted, exhausted_reason,"
                + " exhausted_until, state_version, edge_version, edge_synced_at, created_at FROM consumer_key"
                + " WHERE consumer_id = :c"
                + (at == null ? "" : " AND (created_at, host_id || '/' || key_id) > (:at, :id)")
                + " ORDER BY created_at, host_id || '/' || key_id LIMIT :n";
        JdbcClient.StatementSpec q = jdbc.sql(sql).param("c", consumerId).param("n", limit + 1);
        if (at != null) {
            q = q.param("at", Timestamp.from(at.at())).param("id", at.id());
        }
        List<KeyView> rows = q.query((rs, i) -> {
                    AccountStore.KeyRow k = AccountStore.keyRow(rs, i);
                    return new KeyView(
                            k.hostId(),
                            k.keyId(),
                            k.groupId(),
                            k.runId(),
                            k.exhausted() ? "exhausted" : "active",
                            k.exhaustedReason(),
                            k.exhaustedUntil(),
                            k.edgeInSync(),
                            k.edgeSyncedAt(),
                            k.createdAt());
                })
                .list();
        return page(rows, limit, v -> Cursors.encode(v.createdAt(), v.hostId() + "/" + v.keyId()));
    }

    public Page<SubscriptionView> subscriptions(UUID consumerId, String cursor, int limit) {
        consumer(consumerId);
        Cursors.Position at = Cursors.decode(cursor);
        String sql = "SELECT id, consumer_id, host_id, group_id, allowance_tokens, period, starts_at, expires_at,"
                + " created_at FROM subscription WHERE consumer_id = :c"
                + (at == null ? "" : " AND (created_at, id) > (:at, CAST(:id AS uuid))")
                + " ORDER BY created_at, id LIMIT :n";
        JdbcClient.StatementSpec q = jdbc.sql(sql).param("c", consumerId).param("n", limit + 1);
        if (at != null) {
            q = q.param("at", Timestamp.from(at.at())).param("id", at.id());
        }
        Instant now = clock.instant();
        List<SubscriptionView> rows = q.query((rs, i) -> AccountStore.subscription(rs)).list().stream()
                .map(s -> subscriptionView(consumerId, s, now))
                .toList();
        return page(rows, limit, v -> Cursors.encode(v.createdAt(), v.id().toString()));
    }

    public SubscriptionView subscriptionView(UUID consumerId, Allowances.Subscription s, Instant now) {
        String state = now.isBefore(s.startsAt()) ? "scheduled" : s.activeAt(now) ? "active" : "expired";
        CurrentPeriod current = null;
        if (state.equals("active")) {
            Period.Window w = s.windowAt(now, zone);
            long[] usage = jdbc.sql("SELECT used_tokens, requests FROM subscription_period"
                            + " WHERE subscription_id = :id AND period_start = :s")
                    .param("id", s.id())
                    .param("s", Timestamp.from(w.start()))
                    .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)})
                    .optional()
                    .orElse(new long[2]);
            current = new CurrentPeriod(
                    w.start(),
                    s.allowanceEndsAt(now, zone),
                    usage[0],
                    Math.max(0, s.allowanceTokens() - usage[0]),
                    usage[1]);
        }
        return new SubscriptionView(
                s.id(),
                consumerId,
                s.hostId(),
                s.groupId(),
                s.allowanceTokens(),
                s.period().wireName(),
                s.startsAt(),
                s.expiresAt(),
                state,
                current,
                s.createdAt());
    }

    public Page<EntryView> entries(UUID consumerId, String cursor, int limit) {
        consumer(consumerId);
        Cursors.Position at = Cursors.decode(cursor);
        String sql = "SELECT id, kind, tokens, balance_after, idempotency_key, requests, note, created_at"
                + " FROM balance_entry WHERE consumer_id = :c"
                + (at == null ? "" : " AND (created_at, id) < (:at, CAST(:id AS uuid))")
                + " ORDER BY created_at DESC, id DESC LIMIT :n";
        JdbcClient.StatementSpec q = jdbc.sql(sql).param("c", consumerId).param("n", limit + 1);
        if (at != null) {
            q = q.param("at", Timestamp.from(at.at())).param("id", at.id());
        }
        List<EntryView> rows = q.query((rs, i) -> {
                    int requests = rs.getInt("requests");
                    Integer req = rs.wasNull() ? null : requests;
                    return new EntryView(
                            rs.getObject("id", UUID.class),
                            rs.getString("kind"),
                            rs.getLong("tokens"),
                            rs.getLong("balance_after"),
                            rs.getString("idempotency_key"),
                            req,
                            rs.getString("note"),
                            AccountStore.instant(rs, "created_at"));
                })
                .list();
        return page(rows, limit, v -> Cursors.encode(v.createdAt(), v.id().toString()));
    }

    /** The request history, newest first. */
    public Page<RequestView> requests(Filters f, String cursor, int limit) {
        Cursors.Position at = Cursors.decode(cursor);
        StringBuilder sql = new StringBuilder("SELECT * FROM usage_request WHERE true");
        Map<String, Object> params = new LinkedHashMap<>();
        filters(f, sql, params, "occurred_at");
        if (at != null) {
            sql.append(" AND (occurred_at, request_id) < (:cat, :cid)");
            params.put("cat", Timestamp.from(at.at()));
            params.put("cid", at.id());
        }
        sql.append(" ORDER BY occurred_at DESC, request_id DESC LIMIT :n");
        params.put("n", limit + 1);
        List<RequestView> rows = jdbc.sql(sql.toString())
                .params(params)
                .query(AccountingQueries::request)
                .list();
        return page(rows, limit, v -> Cursors.encode(v.occurredAt(), v.requestId()));
    }

    /** Sums of the hourly roll-ups, by hour or by day (in the accounting zone), grouped by one dimension. */
    public Summary summary(String groupBy, String bucket, Filters f, String cursor, int limit) {
        String column = GROUP_COLUMNS.get(groupBy == null ? "model" : groupBy);
        if (column == null) {
            throw new AccountingProblems.ProblemException(
                    HttpStatus.BAD_REQUEST, "invalid_parameter", "groupBy must be model, key, consumer or channel");
        }
        String b = bucket == null ? "hour" : bucket;
        String bucketExpr = switch (b) {
            case "hour" -> "hour";
            case "day" -> "(date_trunc('day', hour AT TIME ZONE :zone) AT TIME ZONE :zone)";
            default ->
                throw new AccountingProblems.ProblemException(
                        HttpStatus.BAD_REQUEST, "invalid_parameter", "bucket must be hour or day");
        };
        Instant to = f.to() == null ? clock.instant() : f.to();
        Instant from = f.from() == null
                ? to.minus(b.equals("hour") ? java.time.Duration.ofHours(24) : java.time.Duration.ofDays(30))
                : f.from();
        Filters bounded =
                new Filters(f.keyId(), f.consumerId(), f.model(), f.channelId(), f.status(), f.purpose(), from, to);
        if (f.status() != null) {
            throw new AccountingProblems.ProblemException(
                    HttpStatus.BAD_REQUEST,
                    "invalid_parameter",
                    "status is not a summary filter (the roll-ups count ok and failed requests)");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder where = new StringBuilder(" WHERE true");
        filters(bounded, where, params, "hour");
        if (b.equals("day")) {
            params.put("zone", zoneName);
        }
        Cursors.Position at = Cursors.decode(cursor);
        String sql = "SELECT " + bucketExpr + " AS bucket, " + column + " AS grp, sum(requests) AS requests,"
                + " sum(ok_requests) AS ok, sum(failed_requests) AS failed, sum(prompt_tokens) AS prompt,"
                + " sum(completion_tokens) AS completion, sum(cache_read_tokens) AS cache_read,"
                + " sum(cache_write_tokens) AS cache_write, sum(weighted_tokens) AS weighted,"
                + " sum(debited_tokens) AS debited, sum(latency_ms_sum) AS latency, sum(ttft_ms_sum) AS ttft,"
                + " sum(ttft_count) AS ttft_n FROM usage_hourly" + where + " GROUP BY 1, 2"
                + (at == null ? "" : " HAVING (" + bucketExpr + ", " + column + ") > (:cat, :cid)")
                + " ORDER BY 1, 2 LIMIT :n";
        if (at != null) {
            params.put("cat", Timestamp.from(at.at()));
            params.put("cid", at.id());
        }
        params.put("n", limit + 1);
        List<SummaryRow> rows = jdbc.sql(sql)
                .params(params)
                .query((rs, i) -> {
                    long n = rs.getLong("requests");
                    long ttftN = rs.getLong("ttft_n");
                    return new SummaryRow(
                            AccountStore.instant(rs, "bucket"),
                            rs.getString("grp"),
                            n,
                            rs.getLong("ok"),
                            rs.getLong("failed"),
                            rs.getLong("prompt"),
                            rs.getLong("completion"),
                            rs.getLong("cache_read"),
                            rs.getLong("cache_write"),
                            rs.getLong("weighted"),
                            rs.getLong("debited"),
                            n == 0 ? null : rs.getLong("latency") / n,
                            ttftN == 0 ? null : rs.getLong("ttft") / ttftN);
                })
                .list();
        Page<SummaryRow> page = page(rows, limit, r -> Cursors.encode(r.bucket(), r.group()));
        return new Summary(
                groupBy == null ? "model" : groupBy,
                b,
                from,
                to,
                zoneName,
                page.data(),
                page.hasMore(),
                page.nextCursor());
    }

    private static void filters(Filters f, StringBuilder sql, Map<String, Object> params, String timeColumn) {
        boolean hourly = timeColumn.equals("hour");
        if (f.keyId() != null) {
            sql.append(" AND key_id = :key");
            params.put("key", f.keyId());
        }
        if (f.consumerId() != null) {
            sql.append(hourly ? " AND consumer_id = :consumer" : " AND consumer_id = CAST(:consumer AS uuid)");
            params.put("consumer", f.consumerId().toString());
        }
        if (f.model() != null) {
            sql.append(" AND public_model = :model");
            params.put("model", f.model());
        }
        if (f.channelId() != null) {
            sql.append(" AND channel_id = :channel");
            params.put("channel", f.channelId());
        }
        if (f.purpose() != null) {
            sql.append(" AND purpose = :purpose");
            params.put("purpose", f.purpose());
        }
        if (f.status() != null) {
            String s = f.status().trim().toLowerCase(java.util.Locale.ROOT);
            if (s.matches("[1-5]xx")) {
                sql.append(" AND status >= :slo AND status < :shi");
                params.put("slo", (s.charAt(0) - '0') * 100);
                params.put("shi", (s.charAt(0) - '0') * 100 + 100);
            } else if (s.matches("[1-5][0-9][0-9]")) {
                sql.append(" AND status = :status");
                params.put("status", Integer.parseInt(s));
            } else {
                throw new AccountingProblems.ProblemException(
                        HttpStatus.BAD_REQUEST, "invalid_parameter", "status must be a code (429) or a class (4xx)");
            }
        }
        if (f.from() != null) {
            sql.append(" AND ").append(timeColumn).append(" >= :from");
            params.put("from", Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            sql.append(" AND ").append(timeColumn).append(" < :to");
            params.put("to", Timestamp.from(f.to()));
        }
    }

    private static RequestView request(ResultSet rs, int i) throws SQLException {
        long ttft = rs.getLong("ttft_ms");
        Long ttftMs = rs.wasNull() ? null : ttft;
        long sub = rs.getLong("subscription_tokens");
        long bal = rs.getLong("balance_tokens");
        return new RequestView(
                rs.getString("request_id"),
                AccountStore.instant(rs, "occurred_at"),
                rs.getString("edge_id"),
                rs.getString("purpose"),
                rs.getString("key_id"),
                rs.getString("host_id"),
                rs.getObject("consumer_id", UUID.class),
                rs.getString("group_id"),
                rs.getString("client_api"),
                rs.getString("public_model"),
                rs.getString("upstream_model"),
                rs.getString("channel_id"),
                rs.getBoolean("stream"),
                rs.getLong("prompt_tokens"),
                rs.getLong("completion_tokens"),
                rs.getLong("cache_read_tokens"),
                rs.getLong("cache_write_tokens"),
                rs.getBoolean("estimated"),
                rs.getBigDecimal("weight").doubleValue(),
                rs.getLong("weighted_tokens"),
                sub + bal,
                rs.getObject("subscription_id", UUID.class),
                sub,
                bal,
                rs.getInt("status"),
                rs.getString("outcome"),
                rs.getLong("latency_ms"),
                ttftMs,
                rs.getInt("attempts"));
    }

    private static <T> Page<T> page(List<T> rows, int limit, Function<T, String> cursorOf) {
        boolean more = rows.size() > limit;
        List<T> data = more ? new ArrayList<>(rows.subList(0, limit)) : rows;
        return new Page<>(data, more, more ? cursorOf.apply(data.getLast()) : null);
    }
}
