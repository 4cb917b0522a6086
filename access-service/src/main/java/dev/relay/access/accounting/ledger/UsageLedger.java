package dev.relay.access.accounting.ledger;

import dev.relay.access.accounting.AccountStore;
import dev.relay.access.accounting.AccountingProperties;
import dev.relay.access.accounting.Allowances;
import dev.relay.access.accounting.enforcement.KeyStates;
import dev.relay.contracts.MalformedEventException;
import dev.relay.contracts.UsageRecorded;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies a batch of usage events in one transaction: a request row per request id not seen before, the debits of
 * those rows (subscription periods, then the balance: {@link Allowances#draw}), one balance entry per consumer, the
 * hourly roll-ups, and the consumers' keys judged again. Request ids already stored are skipped whole, so Kafka
 * redeliveries and the edge's journal replays debit nothing twice.
 *
 * <p>Locks are taken in one order by every transaction (consumers by id, request rows by id, periods, roll-ups by key),
 * so concurrent batches never deadlock. A request row that another transaction inserted between this batch's check and
 * its insert (a rebalance handing a partition over mid-batch) fails the batch, which is retried and then skips it.
 */
@Component
public class UsageLedger {

    /** What one batch did. */
    public record Applied(int received, int inserted, int duplicates, long debitedTokens, int transitions) {}

    private static final String INSERT_REQUEST = "INSERT INTO usage_request (request_id, occurred_at, edge_id,"
            + " purpose, key_id, host_id, consumer_id, group_id, client_api, public_model, upstream_model, channel_id,"
            + " stream, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, estimated, weight,"
            + " weighted_tokens, subscription_id, subscription_tokens, balance_tokens, status, outcome, latency_ms,"
            + " ttft_ms, attempts, ingested_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (request_id) DO NOTHING";

    private static final String UPSERT_PERIOD = "INSERT INTO subscription_period (subscription_id, period_start,"
            + " period_end, used_tokens, requests) VALUES (?, ?, ?, ?, ?) ON CONFLICT (subscription_id, period_start)"
            + " DO UPDATE SET used_tokens = subscription_period.used_tokens + EXCLUDED.used_tokens,"
            + " requests = subscription_period.requests + EXCLUDED.requests";

    private static final String UPSERT_HOURLY = "INSERT INTO usage_hourly (hour, purpose, key_id, consumer_id,"
            + " public_model, channel_id, requests, ok_requests, failed_requests, prompt_tokens, completion_tokens,"
            + " cache_read_tokens, cache_write_tokens, weighted_tokens, debited_tokens, latency_ms_sum, ttft_ms_sum,"
            + " ttft_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (hour, purpose, key_id, consumer_id, public_model, channel_id) DO UPDATE SET"
            + " requests = usage_hourly.requests + EXCLUDED.requests,"
            + " ok_requests = usage_hourly.ok_requests + EXCLUDED.ok_requests,"
            + " failed_requests = usage_hourly.failed_requests + EXCLUDED.failed_requests,"
            + " prompt_tokens = usage_hourly.prompt_tokens + EXCLUDED.prompt_tokens,"
            + " completion_tokens = usage_hourly.completion_tokens + EXCLUDED.completion_tokens,"
            + " cache_read_tokens = usage_hourly.cache_read_tokens + EXCLUDED.cache_read_tokens,"
            + " cache_write_tokens = usage_hourly.cache_write_tokens + EXCLUDED.cache_write_tokens,"
            + " weighted_tokens = usage_hourly.weighted_tokens + EXCLUDED.weighted_tokens,"
            + " debited_tokens = usage_hourly.debited_tokens + EXCLUDED.debited_tokens,"
            + " latency_ms_sum = usage_hourly.latency_ms_sum + EXCLUDED.latency_ms_sum,"
            + " ttft_ms_sum = usage_hourly.ttft_ms_sum + EXCLUDED.ttft_ms_sum,"
            + " ttft_count = usage_hourly.ttft_count + EXCLUDED.ttft_count";

    private final JdbcTemplate jdbcTemplate;
    private final JdbcClient jdbc;
    private final AccountStore store;
    private final KeyStates keyStates;
    private final AccountingProperties properties;
    private final Clock clock;
    private final ZoneId zone;

    public UsageLedger(
            DataSource dataSource,
            AccountStore store,
            KeyStates keyStates,
            AccountingProperties properties,
            Clock clock) {
        this.jdbcTemplate = new JdbcTemplate(dataSource);
        this.jdbc = JdbcClient.create(dataSource);
        this.store = store;
        this.keyStates = keyStates;
        this.properties = properties;
        this.clock = clock;
        this.zone = properties.zone();
    }

    /** Weighted tokens of a request: {@code ceil(weight × (prompt + completion))}; cache tokens are not added. */
    public static long weighted(UsageRecorded.TokenUsage usage, BigDecimal weight) {
        long total = Math.max(0, usage.promptTokens()) + Math.max(0, usage.completionTokens());
        return BigDecimal.valueOf(total)
                .multiply(weight)
                .setScale(0, RoundingMode.CEILING)
                .longValueExact();
    }

    /**
     * Refuses an event the ledger could not store (it would fail its batch again on every retry): a request id of 1 to
     * 200 characters, a purpose, an outcome and a time are required; missing token counts count as none.
     *
     * @throws MalformedEventException so the listener dead-letters it
     */
    public static UsageRecorded validated(UsageRecorded e) {
        if (e.requestId() == null || e.requestId().isBlank() || e.requestId().length() > 200) {
            throw new MalformedEventException("usage event without a usable request id");
        }
        if (e.purpose() == null || e.outcome() == null || e.occurredAt() == null) {
            throw new MalformedEventException("usage event " + e.requestId() + " lacks its purpose, outcome or time");
        }
        return e;
    }

    @Transactional
    public Applied apply(List<UsageRecorded> events) {
        Instant now = clock.instant();
        Map<String, UsageRecorded> byId = new TreeMap<>();
        for (UsageRecorded e : events) {
            byId.putIfAbsent(e.requestId(), e);
        }
        if (byId.isEmpty()) {
            return new Applied(events.size(), 0, events.size(), 0, 0);
        }
        Set<String> seen = new HashSet<>(jdbc.sql("SELECT request_id FROM usage_request WHERE request_id IN (:ids)")
                .param("ids", List.copyOf(byId.keySet()))
                .query(String.class)
                .list());
        List<UsageRecorded> fresh = byId.values().stream()
                .filter(e -> !seen.contains(e.requestId()))
                .toList();
        if (fresh.isEmpty()) {
            return new Applied(events.size(), 0, events.size(), 0, 0);
        }

        // who the keys belong to; their consumers locked (in id order) before anything is debited
        Set<String> keyIds = new HashSet<>();
        fresh.forEach(e -> {
            if (e.clientKeyId() != null) {
                keyIds.add(e.clientKeyId());
            }
        });
        Map<String, List<AccountStore.KeyRow>> keys = store.keysById(keyIds);
        Set<UUID> consumerIds = new HashSet<>();
        keys.values().forEach(list -> list.forEach(k -> consumerIds.add(k.consumerId())));
        Map<UUID, AccountStore.ConsumerRow> consumers = store.lockConsumers(consumerIds);
        Map<UUID, List<Allowances.Subscription>> subscriptions = store.subscriptions(consumers.keySet());
        Map<UUID, Long> balances = new HashMap<>();
        consumers.values().forEach(c -> balances.put(c.id(), c.balanceTokens()));
        Map<PeriodKey, Long> used = new HashMap<>();
        Allowances.Usage usage =
                (id, start) -> used.computeIfAbsent(new PeriodKey(id, start), k -> store.used(id, start));

        Map<PeriodKey, PeriodDebit> periodDebits = new TreeMap<>();
        Map<UUID, long[]> balanceDebits = new TreeMap<>(); // consumer -> {tokens, requests}
        Map<HourKey, long[]> hourly = new TreeMap<>();
        List<Object[]> rows = new ArrayList<>(fresh.size());
        long debitedTotal = 0;
        for (UsageRecorded e : fresh) {
            AccountStore.KeyRow key = keyFor(keys.get(e.clientKeyId()), e.groupId());
            AccountStore.ConsumerRow consumer = key == null ? null : consumers.get(key.consumerId());
            BigDecimal weight = properties.weight(e.publicModel());
            long weighted = weighted(e.usage() == null ? UsageRecorded.TokenUsage.NONE : e.usage(), weight);
            Allowances.Draw draw = new Allowances.Draw(List.of(), 0, 0);
            if (consumer != null && e.purpose() == UsageRecorded.Purpose.CLIENT && weighted > 0) {
                Allowances.Account account = new Allowances.Account(
                        balances.get(consumer.id()), subscriptions.getOrDefault(consumer.id(), List.of()));
                draw = Allowances.draw(weighted, account, key.hostId(), key.groupId(), e.occurredAt(), zone, usage);
                for (Allowances.Take t : draw.takes()) {
                    PeriodKey pk = new PeriodKey(t.subscriptionId(), t.window().start());
                    used.merge(pk, t.tokens(), Long::sum);
                    periodDebits
                            .computeIfAbsent(pk, k -> new PeriodDebit(t.window().end()))
                            .add(t.tokens());
                }
                if (draw.fromBalance() > 0) {
                    balances.merge(consumer.id(), -draw.fromBalance(), Long::sum);
                    long[] b = balanceDebits.computeIfAbsent(consumer.id(), k -> new long[2]);
                    b[0] += draw.fromBalance();
                    b[1]++;
                }
            }
            long debited = draw.fromSubscriptions() + draw.fromBalance();
            debitedTotal += debited;
            rows.add(requestRow(e, key, weight, weighted, draw, now));
            rollUp(hourly, e, key, weighted, debited);
        }

        int[] counts = jdbcTemplate.batchUpdate(INSERT_REQUEST, rows);
        for (int c : counts) {
            if (c == 0) {
                // inserted by another transaction since the check above: retry the batch, which then skips it
                throw new ConcurrencyFailureException("a request of this batch was stored concurrently; retrying");
            }
        }
        if (!periodDebits.isEmpty()) {
            List<Object[]> p = new ArrayList<>();
            periodDebits.forEach((k, d) -> p.add(new Object[] {
                k.subscriptionId(), Timestamp.from(k.start()), Timestamp.from(d.end), d.tokens, d.requests
            }));
            jdbcTemplate.batchUpdate(UPSERT_PERIOD, p);
        }
        balanceDebits.forEach((consumerId, d) -> debitBalance(consumerId, d[0], (int) d[1], now));
        List<Object[]> h = new ArrayList<>(hourly.size());
        hourly.forEach((k, m) -> {
            Object[] row = new Object[18];
            row[0] = Timestamp.from(k.hour());
            row[1] = k.purpose();
            row[2] = k.keyId();
            row[3] = k.consumerId();
            row[4] = k.model();
            row[5] = k.channelId();
            for (int i = 0; i < m.length; i++) {
                row[6 + i] = m[i];
            }
            h.add(row);
        });
        jdbcTemplate.batchUpdate(UPSERT_HOURLY, h);

        Set<UUID> debitedConsumers = new HashSet<>(balanceDebits.keySet());
        Map<UUID, UUID> subscriptionOwner = new HashMap<>();
        subscriptions.forEach((c, list) -> list.forEach(s -> subscriptionOwner.put(s.id(), c)));
        periodDebits.keySet().forEach(k -> debitedConsumers.add(subscriptionOwner.get(k.subscriptionId())));
        int transitions = keyStates.evaluate(debitedConsumers, now);
        return new Applied(events.size(), fresh.size(), events.size() - fresh.size(), debitedTotal, transitions);
    }

    private void debitBalance(UUID consumerId, long tokens, int requests, Instant now) {
        Long after = jdbc.sql("UPDATE consumer SET balance_tokens = balance_tokens - :t, updated_at = :now"
                        + " WHERE id = :id RETURNING balance_tokens")
                .param("t", tokens)
                .param("now", Timestamp.from(now))
                .param("id", consumerId)
                .query(Long.class)
                .single();
        jdbc.sql("INSERT INTO balance_entry (id, consumer_id, kind, tokens, balance_after, requests, created_at)"
                        + " VALUES (:id, :c, 'DEBIT', :t, :after, :n, :now)")
                .param("id", UUID.randomUUID())
                .param("c", consumerId)
                .param("t", -tokens)
                .param("after", after)
                .param("n", requests)
                .param("now", Timestamp.from(now))
                .update();
    }

    /** The governed key a request used: the one in the request's group when an id is (improbably) on two hosts. */
    private static AccountStore.KeyRow keyFor(List<AccountStore.KeyRow> candidates, String groupId) {
        if (candidates == null || candidates.isEmpty()) {
            return null;
        }
        return candidates.stream()
                .filter(k -> k.groupId().equals(groupId))
                .findFirst()
                .orElse(candidates.stream()
                        .min(Comparator.comparing(AccountStore.KeyRow::hostId))
                        .orElseThrow());
    }

    private static Object[] requestRow(
            UsageRecorded e,
            AccountStore.KeyRow key,
            BigDecimal weight,
            long weighted,
            Allowances.Draw draw,
            Instant now) {
        UsageRecorded.TokenUsage u = e.usage() == null ? UsageRecorded.TokenUsage.NONE : e.usage();
        return new Object[] {
            e.requestId(),
            Timestamp.from(e.occurredAt()),
            e.edgeId(),
            e.purpose().name(),
            e.clientKeyId(),
            key == null ? null : key.hostId(),
            key == null ? null : key.consumerId(),
            e.groupId(),
            e.clientApi(),
            e.publicModel(),
            e.upstreamModel(),
            e.channelId(),
            e.stream(),
            u.promptTokens(),
            u.completionTokens(),
            u.cacheReadTokens(),
            u.cacheWriteTokens(),
            u.estimated(),
            weight,
            weighted,
            draw.firstSubscription(),
            draw.fromSubscriptions(),
            draw.fromBalance(),
            e.status(),
            e.outcome().name(),
            e.latencyMillis(),
            e.timeToFirstTokenMillis(),
            e.attempts(),
            Timestamp.from(now)
        };
    }

    private static void rollUp(
            Map<HourKey, long[]> hourly, UsageRecorded e, AccountStore.KeyRow key, long weighted, long debited) {
        UsageRecorded.TokenUsage u = e.usage() == null ? UsageRecorded.TokenUsage.NONE : e.usage();
        HourKey k = new HourKey(
                e.occurredAt().truncatedTo(ChronoUnit.HOURS),
                e.purpose().name(),
                nz(e.clientKeyId()),
                key == null ? "" : key.consumerId().toString(),
                nz(e.publicModel()),
                nz(e.channelId()));
        long[] m = hourly.computeIfAbsent(k, x -> new long[12]);
        boolean ok = e.outcome() == UsageRecorded.Outcome.OK && e.status() < 400;
        m[0]++;
        m[1] += ok ? 1 : 0;
        m[2] += ok ? 0 : 1;
        m[3] += u.promptTokens();
        m[4] += u.completionTokens();
        m[5] += u.cacheReadTokens();
        m[6] += u.cacheWriteTokens();
        m[7] += weighted;
        m[8] += debited;
        m[9] += e.latencyMillis();
        if (e.timeToFirstTokenMillis() != null) {
            m[10] += e.timeToFirstTokenMillis();
            m[11]++;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private record PeriodKey(UUID subscriptionId, Instant start) implements Comparable<PeriodKey> {
        @Override
        public int compareTo(PeriodKey o) {
            int c = subscriptionId.compareTo(o.subscriptionId);
            return c != 0 ? c : start.compareTo(o.start);
        }
    }

    private static final class PeriodDebit {
        final Instant end;
        long tokens;
        long requests;

        PeriodDebit(Instant end) {
            this.end = end;
        }

        void add(long t) {
            tokens += t;
            requests++;
        }
    }

    private record HourKey(
            Instant hour, String purpose, String keyId, String consumerId, String model, String channelId)
            implements Comparable<HourKey> {
        private static final Comparator<HourKey> ORDER = Comparator.comparing(HourKey::hour)
                .thenComparing(HourKey::purpose)
                .thenComparing(HourKey::keyId)
                .thenComparing(HourKey::consumerId)
                .thenComparing(HourKey::model)
                .thenComparing(HourKey::channelId);

        @Override
        public int compareTo(HourKey o) {
            return ORDER.compare(this, o);
        }
    }
}
