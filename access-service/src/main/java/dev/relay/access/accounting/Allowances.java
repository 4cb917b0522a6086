package dev.relay.access.accounting;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Which source a request draws from and whether a key may still be used: pure functions over a consumer's balance,
 * subscriptions and their period usage (docs/accounting.md, "Which allowance a request draws from").
 *
 * <p>A request of a key on {@code (host, group)} at time {@code t} draws first from the subscriptions that cover it
 * (same host and group, {@code startsAt <= t < expiresAt}), the one whose current allowance vanishes first (period
 * end, or expiry when that comes earlier) first, ties by expiry, then creation, then id; each up to what is left of its
 * period; then from the balance, which may go negative. When nothing has room and there is no balance, the remainder
 * lands on the first covering subscription (its period ends above its allowance). A consumer with neither a balance
 * nor any subscription is unlimited and never debited.
 */
public final class Allowances {

    private Allowances() {}

    /** A subscription's terms. */
    public record Subscription(
            UUID id,
            String hostId,
            String groupId,
            long allowanceTokens,
            Period period,
            Instant startsAt,
            Instant expiresAt,
            Instant createdAt) {

        public boolean covers(String host, String group) {
            return hostId.equals(host) && groupId.equals(group);
        }

        public boolean activeAt(Instant t) {
            return !t.isBefore(startsAt) && (expiresAt == null || t.isBefore(expiresAt));
        }

        public Period.Window windowAt(Instant t, ZoneId zone) {
            return period.windowAt(t, zone);
        }

        /** When the allowance of the period containing {@code t} stops being usable: period end or expiry. */
        public Instant allowanceEndsAt(Instant t, ZoneId zone) {
            Instant end = windowAt(t, zone).end();
            return expiresAt != null && expiresAt.isBefore(end) ? expiresAt : end;
        }

        /** The next instant after {@code now} at which this subscription's state changes (start, period end, expiry). */
        public Instant nextBoundaryAfter(Instant now, ZoneId zone) {
            if (now.isBefore(startsAt)) {
                return startsAt;
            }
            if (expiresAt != null && !now.isBefore(expiresAt)) {
                return null;
            }
            return allowanceEndsAt(now, zone);
        }
    }

    /** Tokens used by a subscription in the period starting at {@code periodStart}. */
    @FunctionalInterface
    public interface Usage {
        long used(UUID subscriptionId, Instant periodStart);
    }

    /** What a consumer has: a balance (null = none) and its subscriptions. */
    public record Account(Long balanceTokens, List<Subscription> subscriptions) {
        public Account {
            subscriptions = List.copyOf(subscriptions);
        }

        /** Neither a balance nor any subscription: nothing limits it, nothing is debited. */
        public boolean unlimited() {
            return balanceTokens == null && subscriptions.isEmpty();
        }
    }

    /** A part of a request's tokens debited from one subscription period. */
    public record Take(UUID subscriptionId, Period.Window window, long tokens) {}

    /** Where a request's weighted tokens go. */
    public record Draw(List<Take> takes, long fromBalance, long unallocated) {
        public long fromSubscriptions() {
            return takes.stream().mapToLong(Take::tokens).sum();
        }

        public UUID firstSubscription() {
            return takes.isEmpty() ? null : takes.getFirst().subscriptionId();
        }
    }

    /** Whether a key may be used, and if not why and until when (null: until an operator acts). */
    public record Verdict(boolean exhausted, String reason, Instant until) {
        public static final Verdict OPEN = new Verdict(false, null, null);
    }

    /** The subscriptions a request of a key on {@code (host, group)} at {@code t} may draw from, in draw order. */
    public static List<Subscription> drawOrder(
            List<Subscription> subscriptions, String host, String group, Instant t, ZoneId zone) {
        return subscriptions.stream()
                .filter(s -> s.covers(host, group) && s.activeAt(t))
                .sorted(Comparator.<Subscription, Instant>comparing(s -> s.allowanceEndsAt(t, zone))
                        .thenComparing(
                                Subscription::expiresAt, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
                        .thenComparing(Subscription::createdAt)
                        .thenComparing(Subscription::id))
                .toList();
    }

    /** Splits {@code tokens} of a request at {@code t} over the account's sources. */
    public static Draw draw(
            long tokens, Account account, String host, String group, Instant t, ZoneId zone, Usage usage) {
        if (tokens <= 0 || account.unlimited()) {
            return new Draw(List.of(), 0, 0);
        }
        List<Subscription> ordered = drawOrder(account.subscriptions(), host, group, t, zone);
        List<Take> takes = new ArrayList<>();
        long remaining = tokens;
        for (Subscription s : ordered) {
            if (remaining == 0) {
                break;
            }
            Period.Window w = s.windowAt(t, zone);
            long room = s.allowanceTokens() - usage.used(s.id(), w.start());
            if (room > 0) {
                long take = Math.min(room, remaining);
                takes.add(new Take(s.id(), w, take));
                remaining -= take;
            }
        }
        if (remaining == 0) {
            return new Draw(takes, 0, 0);
        }
        if (account.balanceTokens() != null) {
            return new Draw(takes, remaining, 0);
        }
        if (!ordered.isEmpty()) {
            Subscription first = ordered.getFirst();
            List<Take> merged = new ArrayList<>();
            boolean added = false;
            for (Take take : takes) {
                if (!added && take.subscriptionId().equals(first.id())) {
                    merged.add(new Take(take.subscriptionId(), take.window(), take.tokens() + remaining));
                    added = true;
                } else {
                    merged.add(take);
                }
            }
            if (!added) {
                merged.addFirst(new Take(first.id(), first.windowAt(t, zone), remaining));
            }
            return new Draw(merged, 0, 0);
        }
        return new Draw(takes, 0, remaining);
    }

    /** Whether a key on {@code (host, group)} may be used at {@code now}. */
    public static Verdict verdict(Account account, String host, String group, Instant now, ZoneId zone, Usage usage) {
        if (account.unlimited()) {
            return Verdict.OPEN;
        }
        List<Subscription> ordered = drawOrder(account.subscriptions(), host, group, now, zone);
        for (Subscription s : ordered) {
            if (s.allowanceTokens() - usage.used(s.id(), s.windowAt(now, zone).start()) > 0) {
                return Verdict.OPEN;
            }
        }
        Long balance = account.balanceTokens();
        if (balance != null && balance > 0) {
            return Verdict.OPEN;
        }
        List<String> reasons = new ArrayList<>();
        Instant until = null;
        for (Subscription s : ordered) {
            reasons.add(s.period().adjective() + " allowance of " + s.allowanceTokens() + " tokens used up");
            Instant end = s.windowAt(now, zone).end();
            if (s.expiresAt() == null || end.isBefore(s.expiresAt())) {
                until = earlier(until, end);
            }
        }
        List<Subscription> covering = account.subscriptions().stream()
                .filter(s -> s.covers(host, group))
                .toList();
        for (Subscription s : covering) {
            if (now.isBefore(s.startsAt())) {
                until = earlier(until, s.startsAt());
            }
        }
        if (balance != null) {
            reasons.add("token balance used up");
        }
        if (reasons.isEmpty()) {
            if (covering.stream().anyMatch(s -> now.isBefore(s.startsAt()))) {
                reasons.add("subscription not started yet");
            } else if (!covering.isEmpty()) {
                reasons.add("subscription expired");
            } else {
                reasons.add("no subscription covers this key's group");
            }
        }
        return new Verdict(true, String.join("; ", reasons), until);
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
