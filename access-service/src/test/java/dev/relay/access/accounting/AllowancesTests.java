package dev.relay.access.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AllowancesTests {

    static final ZoneId UTC = ZoneId.of("UTC");
    static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    final Map<String, Long> used = new HashMap<>();
    final Allowances.Usage usage = (id, start) -> used.getOrDefault(id + "@" + start, 0L);

    static Allowances.Subscription sub(String name, String group, long allowance, Period period, Instant expires) {
        return sub(name, group, allowance, period, CREATED, expires, CREATED);
    }

    static Allowances.Subscription sub(
            String name,
            String group,
            long allowance,
            Period period,
            Instant starts,
            Instant expires,
            Instant created) {
        return new Allowances.Subscription(
                UUID.nameUUIDFromBytes(name.getBytes()), "edge", group, allowance, period, starts, expires, created);
    }

    void use(Allowances.Subscription s, long tokens) {
        used.put(s.id() + "@" + s.windowAt(NOW, UTC).start(), tokens);
    }

    @Test
    void drawsFirstFromTheAllowanceThatVanishesFirst() {
        Allowances.Subscription monthly = sub("monthly", "g", 1000, Period.MONTH, null);
        Allowances.Subscription daily = sub("daily", "g", 100, Period.DAY, null);
        Allowances.Subscription weekly = sub("weekly", "g", 500, Period.WEEK, null);
        assertThat(Allowances.drawOrder(List.of(monthly, daily, weekly), "edge", "g", NOW, UTC))
                .containsExactly(daily, weekly, monthly);
    }

    @Test
    void anExpiryBeforeThePeriodEndCountsAsTheEndAndTiesGoToTheOlderSubscription() {
        Allowances.Subscription daily = sub("daily", "g", 100, Period.DAY, null);
        Allowances.Subscription endingToday =
                sub("ending", "g", 100, Period.MONTH, Instant.parse("2026-03-10T18:00:00Z"));
        Allowances.Subscription older = sub("older", "g", 100, Period.DAY, CREATED, null, CREATED.minusSeconds(60));
        assertThat(Allowances.drawOrder(List.of(daily, endingToday, older), "edge", "g", NOW, UTC))
                .containsExactly(endingToday, older, daily);
    }

    @Test
    void onlySubscriptionsOfTheKeysHostAndGroupThatAreActiveCover() {
        Allowances.Subscription other = sub("other-group", "h", 100, Period.DAY, null);
        Allowances.Subscription expired = sub("expired", "g", 100, Period.DAY, Instant.parse("2026-03-01T00:00:00Z"));
        Allowances.Subscription future =
                sub("future", "g", 100, Period.DAY, Instant.parse("2026-04-01T00:00:00Z"), null, CREATED);
        Allowances.Subscription ok = sub("ok", "g", 100, Period.DAY, null);
        assertThat(Allowances.drawOrder(List.of(other, expired, future, ok), "edge", "g", NOW, UTC))
                .containsExactly(ok);
        assertThat(Allowances.drawOrder(List.of(ok), "other-edge", "g", NOW, UTC))
                .isEmpty();
    }

    @Test
    void aRequestIsSplitOverSubscriptionsThenTheBalance() {
        Allowances.Subscription daily = sub("daily", "g", 100, Period.DAY, null);
        Allowances.Subscription monthly = sub("monthly", "g", 1000, Period.MONTH, null);
        use(daily, 70);
        use(monthly, 980);
        Allowances.Draw d = Allowances.draw(
                100, new Allowances.Account(50L, List.of(monthly, daily)), "edge", "g", NOW, UTC, usage);
        assertThat(d.takes())
                .extracting(Allowances.Take::subscriptionId, Allowances.Take::tokens)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(daily.id(), 30L),
                        org.assertj.core.groups.Tuple.tuple(monthly.id(), 20L));
        assertThat(d.fromBalance()).isEqualTo(50);
        assertThat(d.firstSubscription()).isEqualTo(daily.id());
    }

    @Test
    void theBalanceMayGoNegativeButASubscriptionOnlyOvershootsWhenThereIsNoBalance() {
        Allowances.Subscription daily = sub("daily", "g", 100, Period.DAY, null);
        use(daily, 100);
        Allowances.Draw withBalance =
                Allowances.draw(40, new Allowances.Account(10L, List.of(daily)), "edge", "g", NOW, UTC, usage);
        assertThat(withBalance.takes()).isEmpty();
        assertThat(withBalance.fromBalance()).isEqualTo(40);

        Allowances.Draw withoutBalance =
                Allowances.draw(40, new Allowances.Account(null, List.of(daily)), "edge", "g", NOW, UTC, usage);
        assertThat(withoutBalance.takes()).singleElement().satisfies(t -> {
            assertThat(t.subscriptionId()).isEqualTo(daily.id());
            assertThat(t.tokens()).isEqualTo(40);
        });
    }

    @Test
    void aConsumerWithNeitherBalanceNorSubscriptionIsUnlimited() {
        Allowances.Account none = new Allowances.Account(null, List.of());
        assertThat(none.unlimited()).isTrue();
        assertThat(Allowances.draw(500, none, "edge", "g", NOW, UTC, usage).fromSubscriptions()
                        + Allowances.draw(500, none, "edge", "g", NOW, UTC, usage)
                                .fromBalance())
                .isZero();
        assertThat(Allowances.verdict(none, "edge", "g", NOW, UTC, usage).exhausted())
                .isFalse();
    }

    @Test
    void aKeyIsExhaustedOnlyWhenNoCoveringSourceHasRoom() {
        Allowances.Subscription daily = sub("daily", "g", 100, Period.DAY, null);
        use(daily, 100);
        assertThat(Allowances.verdict(new Allowances.Account(1L, List.of(daily)), "edge", "g", NOW, UTC, usage))
                .isEqualTo(Allowances.Verdict.OPEN);
        Allowances.Verdict v =
                Allowances.verdict(new Allowances.Account(0L, List.of(daily)), "edge", "g", NOW, UTC, usage);
        assertThat(v.exhausted()).isTrue();
        assertThat(v.reason()).isEqualTo("daily allowance of 100 tokens used up; token balance used up");
        assertThat(v.until()).isEqualTo(Instant.parse("2026-03-11T00:00:00Z"));
    }

    @Test
    void aBalanceAloneReturnsOnlyWhenAnOperatorActs() {
        Allowances.Verdict v = Allowances.verdict(new Allowances.Account(-5L, List.of()), "edge", "g", NOW, UTC, usage);
        assertThat(v).isEqualTo(new Allowances.Verdict(true, "token balance used up", null));
    }

    @Test
    void aPeriodEndingWithTheExpiryBringsNothingBack() {
        Allowances.Subscription lastDay = sub("last", "g", 100, Period.DAY, Instant.parse("2026-03-11T00:00:00Z"));
        use(lastDay, 120);
        Allowances.Verdict v =
                Allowances.verdict(new Allowances.Account(null, List.of(lastDay)), "edge", "g", NOW, UTC, usage);
        assertThat(v.exhausted()).isTrue();
        assertThat(v.until()).isNull();
    }

    @Test
    void aKeyWhoseSubscriptionHasNotStartedIsExhaustedUntilItStarts() {
        Instant start = Instant.parse("2026-03-12T00:00:00Z");
        Allowances.Subscription future = sub("future", "g", 100, Period.MONTH, start, null, CREATED);
        Allowances.Verdict v =
                Allowances.verdict(new Allowances.Account(null, List.of(future)), "edge", "g", NOW, UTC, usage);
        assertThat(v).isEqualTo(new Allowances.Verdict(true, "subscription not started yet", start));
        Allowances.Verdict otherGroup =
                Allowances.verdict(new Allowances.Account(null, List.of(future)), "edge", "h", NOW, UTC, usage);
        assertThat(otherGroup.reason()).isEqualTo("no subscription covers this key's group");
    }

    @Test
    void nextBoundaryIsTheStartThenEachPeriodEndThenTheExpiry() {
        Instant start = Instant.parse("2026-03-12T06:00:00Z");
        Instant expiry = Instant.parse("2026-03-14T12:00:00Z");
        Allowances.Subscription s = sub("s", "g", 100, Period.DAY, start, expiry, CREATED);
        assertThat(s.nextBoundaryAfter(NOW, UTC)).isEqualTo(start);
        assertThat(s.nextBoundaryAfter(start, UTC)).isEqualTo(Instant.parse("2026-03-13T00:00:00Z"));
        assertThat(s.nextBoundaryAfter(Instant.parse("2026-03-13T00:00:00Z"), UTC))
                .isEqualTo(Instant.parse("2026-03-14T00:00:00Z"));
        assertThat(s.nextBoundaryAfter(Instant.parse("2026-03-14T00:00:00Z"), UTC))
                .isEqualTo(expiry);
        assertThat(s.nextBoundaryAfter(expiry, UTC)).isNull();
    }
}
