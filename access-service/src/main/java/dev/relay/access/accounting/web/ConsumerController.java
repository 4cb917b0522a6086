package dev.relay.access.accounting.web;

import dev.relay.access.accounting.AccountStore;
import dev.relay.access.accounting.Accounts;
import dev.relay.access.accounting.Period;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Consumers, their balance ledger and subscriptions (docs/accounting.md). */
@RestController
@RequestMapping("/api/consumers")
public class ConsumerController {

    /** {@code POST /api/consumers}. */
    public record CreateConsumer(String name, String kind, Long balanceTokens) {}

    /** {@code POST /api/consumers/{id}/top-ups}. */
    public record TopUpRequest(Long tokens, String note) {}

    /** {@code POST /api/consumers/{id}/subscriptions}. */
    public record SubscriptionRequest(
            String hostId, String groupId, Long allowanceTokens, String period, Instant startsAt, Instant expiresAt) {}

    private final Accounts accounts;
    private final AccountingQueries queries;
    private final Clock clock;

    public ConsumerController(Accounts accounts, AccountingQueries queries, Clock clock) {
        this.accounts = accounts;
        this.queries = queries;
        this.clock = clock;
    }

    @GetMapping
    public AccountingQueries.Page<AccountingQueries.ConsumerView> list(
            @RequestParam(required = false) String cursor, @RequestParam(required = false) Integer limit) {
        return queries.consumers(cursor, Cursors.limit(limit, 50, 500));
    }

    @PostMapping
    public ResponseEntity<AccountingQueries.ConsumerDetail> create(@RequestBody CreateConsumer body) {
        AccountStore.ConsumerRow c = accounts.create(body.name(), body.kind(), body.balanceTokens());
        return ResponseEntity.created(URI.create("/api/consumers/" + c.id())).body(queries.detail(c.id()));
    }

    @GetMapping("/{id}")
    public AccountingQueries.ConsumerDetail get(@PathVariable UUID id) {
        return queries.detail(id);
    }

    @GetMapping("/{id}/keys")
    public AccountingQueries.Page<AccountingQueries.KeyView> keys(
            @PathVariable UUID id,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return queries.keys(id, cursor, Cursors.limit(limit, 100, 500));
    }

    @GetMapping("/{id}/subscriptions")
    public AccountingQueries.Page<AccountingQueries.SubscriptionView> subscriptions(
            @PathVariable UUID id,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return queries.subscriptions(id, cursor, Cursors.limit(limit, 100, 500));
    }

    @GetMapping("/{id}/balance-entries")
    public AccountingQueries.Page<AccountingQueries.EntryView> entries(
            @PathVariable UUID id,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return queries.entries(id, cursor, Cursors.limit(limit, 100, 500));
    }

    /**
     * A top-up: exactly once per {@code Idempotency-Key} (required); a replay answers 200 with the first entry and
     * {@code Idempotent-Replayed: true}.
     */
    @PostMapping("/{id}/top-ups")
    public ResponseEntity<Map<String, Object>> topUp(
            @PathVariable UUID id,
            @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody TopUpRequest body) {
        String key = idempotencyKey(idempotencyKey, true);
        if (body.tokens() == null) {
            throw new AccountingProblems.ProblemException(
                    HttpStatus.BAD_REQUEST, "invalid_tokens", "tokens is required (> 0)");
        }
        Accounts.TopUp t = accounts.topUp(id, body.tokens(), key, hash(body.tokens() + "|" + body.note()), body.note());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("consumerId", id);
        out.put("entry", entryView(t.entry()));
        out.put("balanceTokens", queries.consumer(id).balanceTokens());
        ResponseEntity.BodyBuilder r = t.replayed()
                ? ResponseEntity.ok().header("Idempotent-Replayed", "true")
                : ResponseEntity.status(HttpStatus.CREATED);
        return r.body(out);
    }

    /** A subscription; with an {@code Idempotency-Key}, exactly once per key. */
    @PostMapping("/{id}/subscriptions")
    public ResponseEntity<AccountingQueries.SubscriptionView> subscribe(
            @PathVariable UUID id,
            @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody SubscriptionRequest body) {
        String key = idempotencyKey(idempotencyKey, false);
        if (body.allowanceTokens() == null) {
            throw new AccountingProblems.ProblemException(
                    HttpStatus.BAD_REQUEST, "invalid_allowance", "allowanceTokens is required (> 0)");
        }
        Period period;
        try {
            period = Period.parse(body.period() == null ? "month" : body.period());
        } catch (IllegalArgumentException e) {
            throw new AccountingProblems.ProblemException(HttpStatus.BAD_REQUEST, "invalid_period", e.getMessage());
        }
        Accounts.Subscribed s = accounts.subscribe(
                id,
                new Accounts.NewSubscription(
                        body.hostId(),
                        body.groupId(),
                        body.allowanceTokens(),
                        period,
                        body.startsAt(),
                        body.expiresAt()),
                key == null ? null : "api:" + key,
                key == null ? null : hash(body.toString()));
        AccountingQueries.SubscriptionView view = queries.subscriptionView(id, s.subscription(), clock.instant());
        ResponseEntity.BodyBuilder r = s.replayed()
                ? ResponseEntity.ok().header("Idempotent-Replayed", "true")
                : ResponseEntity.created(URI.create("/api/consumers/" + id + "/subscriptions"));
        return r.body(view);
    }

    private static AccountingQueries.EntryView entryView(Accounts.Entry e) {
        return new AccountingQueries.EntryView(
                e.id(),
                e.kind(),
                e.tokens(),
                e.balanceAfter(),
                e.idempotencyKey(),
                e.requests(),
                e.note(),
                e.createdAt());
    }

    private static String idempotencyKey(String key, boolean required) {
        if (key == null || key.isBlank()) {
            if (required) {
                throw new AccountingProblems.ProblemException(
                        HttpStatus.BAD_REQUEST,
                        "idempotency_key_required",
                        "a top-up needs an Idempotency-Key header (1 to 200 characters)");
            }
            return null;
        }
        if (key.length() > 200) {
            throw new AccountingProblems.ProblemException(
                    HttpStatus.BAD_REQUEST, "invalid_idempotency_key", "Idempotency-Key must be 1 to 200 characters");
        }
        return key;
    }

    static String hash(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
