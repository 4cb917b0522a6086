package dev.relay.access.accounting;

import dev.relay.access.accounting.enforcement.KeyStates;
import dev.relay.access.accounting.enforcement.SubscriptionBoundaries;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The write side of consumers: creating them, their balance ledger (opening, top-ups; debits are the usage ledger's)
 * and their subscriptions. Every change locks the consumer row first and judges its keys again in the same
 * transaction, so a top-up or a new subscription restores an exhausted key (through {@link KeyStates}).
 */
@Component
public class Accounts {

    public static final Set<String> KINDS = Set.of("person", "team", "application");

    /** A balance ledger entry. */
    public record Entry(
            UUID id,
            UUID consumerId,
            String kind,
            long tokens,
            long balanceAfter,
            String idempotencyKey,
            Integer requests,
            String note,
            Instant createdAt) {}

    /** A top-up as applied (or as applied before, for a replay of the same Idempotency-Key). */
    public record TopUp(Entry entry, boolean replayed) {}

    /** A new subscription. */
    public record NewSubscription(
            String hostId, String groupId, long allowanceTokens, Period period, Instant startsAt, Instant expiresAt) {}

    /** A subscription as created (or as created before, for a replay). */
    public record Subscribed(Allowances.Subscription subscription, UUID consumerId, boolean replayed) {}

    static final String ENTRY_COLUMNS =
            "id, consumer_id, kind, tokens, balance_after, idempotency_key, requests, note, created_at";

    private final JdbcClient jdbc;
    private final AccountStore store;
    private final KeyStates keyStates;
    private final SubscriptionBoundaries boundaries;
    private final Clock clock;

    public Accounts(
            DataSource dataSource,
            AccountStore store,
            KeyStates keyStates,
            SubscriptionBoundaries boundaries,
            Clock clock) {
        this.jdbc = JdbcClient.create(dataSource);
        this.store = store;
        this.keyStates = keyStates;
        this.boundaries = boundaries;
        this.clock = clock;
    }

    /** Creates a consumer; a name already taken is a conflict. */
    @Transactional
    public AccountStore.ConsumerRow create(String name, String kind, Long balanceTokens) {
        String n = validName(name);
        String k = kind == null ? "person" : kind.trim().toLowerCase(Locale.ROOT);
        if (!KINDS.contains(k)) {
            throw new AccountingException(
                    AccountingException.Kind.INVALID, "invalid_kind", "kind must be person, team or application");
        }
        if (balanceTokens != null && balanceTokens < 0) {
            throw new AccountingException(
                    AccountingException.Kind.INVALID, "invalid_balance", "balanceTokens must not be negative");
        }
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        int inserted = insertConsumer(id, n, k, null, now);
        if (inserted == 0) {
            throw new AccountingException(
                    AccountingException.Kind.CONFLICT, "consumer_exists", "a consumer named '" + n + "' exists");
        }
        if (balanceTokens != null) {
            credit(id, null, "OPENING", balanceTokens, "opening", null, "opening balance", now);
        }
        return store.consumer(id).orElseThrow();
    }

    /** The consumer named so (or with this id), created as an {@code application} when there is none. */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID ensure(String nameOrId, UUID runId) {
        String n = validName(nameOrId);
        try {
            UUID asId = UUID.fromString(n);
            if (store.consumer(asId).isPresent()) {
                return asId;
            }
        } catch (IllegalArgumentException notAnId) {
            // a name
        }
        insertConsumer(UUID.randomUUID(), n, "application", runId, clock.instant());
        return store.consumerByName(n).orElseThrow().id();
    }

    private int insertConsumer(UUID id, String name, String kind, UUID runId, Instant now) {
        return jdbc.sql("INSERT INTO consumer (id, name, kind, balance_tokens, run_id, created_at, updated_at)"
                        + " VALUES (:id, :name, :kind, NULL, :run, :now, :now) ON CONFLICT (name) DO NOTHING")
                .param("id", id)
                .param("name", name)
                .param("kind", kind)
                .param("run", runId)
                .param("now", Timestamp.from(now))
                .update();
    }

    /**
     * Adds tokens to a consumer's balance (opening one if it has none), exactly once per Idempotency-Key: a replay
     * with the same request returns the first entry; the same key with a different request is a conflict.
     */
    @Transactional
    public TopUp topUp(UUID consumerId, long tokens, String idempotencyKey, String requestHash, String note) {
        if (tokens <= 0) {
            throw new AccountingException(AccountingException.Kind.INVALID, "invalid_tokens", "tokens must be > 0");
        }
        Instant now = clock.instant();
        AccountStore.ConsumerRow c = store.lockConsumers(List.of(consumerId)).get(consumerId);
        if (c == null) {
            throw AccountingException.consumerNotFound(consumerId);
        }
        Optional<Entry> before = entryByKey(consumerId, idempotencyKey);
        if (before.isPresent()) {
            String hash = jdbc.sql("SELECT request_hash FROM balance_entry WHERE id = :id")
                    .param("id", before.get().id())
                    .query(String.class)
                    .optional()
                    .orElse(null);
            if (!requestHash.equals(hash)) {
                throw new AccountingException(
                        AccountingException.Kind.CONFLICT,
                        "idempotency_key_reused",
                        "this Idempotency-Key was used for a different top-up");
            }
            return new TopUp(before.get(), true);
        }
        Entry e = credit(consumerId, c.balanceTokens(), "TOP_UP", tokens, idempotencyKey, requestHash, note, now);
        keyStates.evaluate(List.of(consumerId), now);
        return new TopUp(e, false);
    }

    /** Credits a balance (the consumer row must be locked or new); returns the entry. */
    private Entry credit(
            UUID consumerId,
            Long balance,
            String kind,
            long tokens,
            String idempotencyKey,
            String requestHash,
            String note,
            Instant now) {
        long after;
        try {
            after = Math.addExact(balance == null ? 0 : balance, tokens);
        } catch (ArithmeticException e) {
            throw new AccountingException(AccountingException.Kind.INVALID, "invalid_tokens", "balance would overflow");
        }
        UUID id = UUID.randomUUID();
        jdbc.sql(
                        "INSERT INTO balance_entry (id, consumer_id, kind, tokens, balance_after, idempotency_key,"
                                + " request_hash, note, created_at) VALUES (:id, :c, :kind, :t, :after, :key, :hash, :note, :now)")
                .param("id", id)
                .param("c", consumerId)
                .param("kind", kind)
                .param("t", tokens)
                .param("after", after)
                .param("key", idempotencyKey)
                .param("hash", requestHash)
                .param("note", note)
                .param("now", Timestamp.from(now))
                .update();
        jdbc.sql("UPDATE consumer SET balance_tokens = :b, updated_at = :now WHERE id = :id")
                .param("b", after)
                .param("now", Timestamp.from(now))
                .param("id", consumerId)
                .update();
        return new Entry(id, consumerId, kind, tokens, after, idempotencyKey, null, note, now);
    }

    /** The run's opening balance (or a top-up, when the named consumer has one already), once per run. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void creditForRun(UUID consumerId, UUID runId, long tokens) {
        Instant now = clock.instant();
        AccountStore.ConsumerRow c = store.lockConsumers(List.of(consumerId)).get(consumerId);
        String key = "run:" + runId;
        if (entryByKey(consumerId, key).isPresent()) {
            return;
        }
        credit(
                consumerId,
                c.balanceTokens(),
                c.balanceTokens() == null ? "OPENING" : "TOP_UP",
                tokens,
                key,
                null,
                "import run " + runId,
                now);
    }

    /**
     * Subscribes a consumer to a (host, group); with an {@code externalRef} (an Idempotency-Key, or {@code run:<id>})
     * exactly once: a replay returns the first, a different request under the same ref is a conflict.
     */
    @Transactional(propagation = Propagation.REQUIRED)
    public Subscribed subscribe(UUID consumerId, NewSubscription s, String externalRef, String requestHash) {
        validate(s);
        Instant now = clock.instant();
        AccountStore.ConsumerRow c = store.lockConsumers(List.of(consumerId)).get(consumerId);
        if (c == null) {
            throw AccountingException.consumerNotFound(consumerId);
        }
        if (externalRef != null) {
            Optional<String[]> before = jdbc.sql("SELECT id::text, coalesce(request_hash, '') FROM subscription"
                            + " WHERE consumer_id = :c AND external_ref = :ref")
                    .param("c", consumerId)
                    .param("ref", externalRef)
                    .query((rs, i) -> new String[] {rs.getString(1), rs.getString(2)})
                    .optional();
            if (before.isPresent()) {
                if (requestHash != null && !requestHash.equals(before.get()[1])) {
                    throw new AccountingException(
                            AccountingException.Kind.CONFLICT,
                            "idempotency_key_reused",
                            "this Idempotency-Key was used for a different subscription");
                }
                return new Subscribed(subscription(UUID.fromString(before.get()[0])), consumerId, true);
            }
        }
        // PostgreSQL keeps microseconds (rounding): store what is compared later
        Instant starts = (s.startsAt() == null ? now : s.startsAt()).truncatedTo(ChronoUnit.MICROS);
        Instant expires = s.expiresAt() == null ? null : s.expiresAt().truncatedTo(ChronoUnit.MICROS);
        if (expires != null && !expires.isAfter(starts)) {
            throw new AccountingException(
                    AccountingException.Kind.INVALID, "invalid_expiry", "expiresAt must be after startsAt");
        }
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO subscription (id, consumer_id, host_id, group_id, allowance_tokens, period, starts_at,"
                        + " expires_at, external_ref, request_hash, created_at)"
                        + " VALUES (:id, :c, :h, :g, :a, :p, :s, :e, :ref, :hash, :now)")
                .param("id", id)
                .param("c", consumerId)
                .param("h", s.hostId())
                .param("g", s.groupId())
                .param("a", s.allowanceTokens())
                .param("p", s.period().wireName())
                .param("s", Timestamp.from(starts))
                .param("e", expires == null ? null : Timestamp.from(expires))
                .param("ref", externalRef)
                .param("hash", requestHash)
                .param("now", Timestamp.from(now))
                .update();
        Allowances.Subscription created = subscription(id);
        boundaries.schedule(created, now);
        keyStates.evaluate(List.of(consumerId), now);
        return new Subscribed(created, consumerId, false);
    }

    private static void validate(NewSubscription s) {
        if (s.hostId() == null || s.hostId().isBlank()) {
            throw new AccountingException(AccountingException.Kind.INVALID, "invalid_host", "hostId is required");
        }
        if (s.groupId() == null || s.groupId().isBlank()) {
            throw new AccountingException(AccountingException.Kind.INVALID, "invalid_group", "groupId is required");
        }
        if (s.allowanceTokens() <= 0) {
            throw new AccountingException(
                    AccountingException.Kind.INVALID, "invalid_allowance", "allowanceTokens must be > 0");
        }
        if (s.period() == null) {
            throw new AccountingException(
                    AccountingException.Kind.INVALID, "invalid_period", "period must be day, week or month");
        }
    }

    /** Attaches a key to a consumer (a no-op when it is attached already). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void attachKey(String hostId, String keyId, UUID consumerId, String groupId, UUID runId) {
        Instant now = clock.instant();
        jdbc.sql("INSERT INTO consumer_key (host_id, key_id, consumer_id, group_id, run_id, created_at, updated_at)"
                        + " VALUES (:h, :k, :c, :g, :run, :now, :now) ON CONFLICT (host_id, key_id) DO NOTHING")
                .param("h", hostId)
                .param("k", keyId)
                .param("c", consumerId)
                .param("g", groupId)
                .param("run", runId)
                .param("now", Timestamp.from(now))
                .update();
    }

    public Allowances.Subscription subscription(UUID id) {
        return jdbc.sql("SELECT " + AccountStore.SUBSCRIPTION_COLUMNS + " FROM subscription WHERE id = :id")
                .param("id", id)
                .query((rs, i) -> AccountStore.subscription(rs))
                .single();
    }

    private Optional<Entry> entryByKey(UUID consumerId, String key) {
        return jdbc.sql("SELECT " + ENTRY_COLUMNS
                        + " FROM balance_entry WHERE consumer_id = :c AND idempotency_key = :k")
                .param("c", consumerId)
                .param("k", key)
                .query(Accounts::entry)
                .optional();
    }

    static Entry entry(ResultSet rs, int i) throws SQLException {
        int requests = rs.getInt("requests");
        Integer requestCount = rs.wasNull() ? null : requests; // read before any other column
        return new Entry(
                rs.getObject("id", UUID.class),
                rs.getObject("consumer_id", UUID.class),
                rs.getString("kind"),
                rs.getLong("tokens"),
                rs.getLong("balance_after"),
                rs.getString("idempotency_key"),
                requestCount,
                rs.getString("note"),
                AccountStore.instant(rs, "created_at"));
    }

    private static String validName(String name) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new AccountingException(
                    AccountingException.Kind.INVALID, "invalid_name", "name must be 1 to 200 characters");
        }
        return name.trim();
    }
}
