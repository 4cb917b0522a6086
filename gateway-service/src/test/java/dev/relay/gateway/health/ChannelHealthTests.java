package dev.relay.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.ChannelCooledDown;
import dev.relay.contracts.FailureClass;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelHealthTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final List<ChannelCooledDown> cooled = new ArrayList<>();
    private final List<String> disabled = new ArrayList<>();
    private final ChannelHealth health = new ChannelHealth(
            clock,
            ChannelHealth.Settings.DEFAULTS,
            new HealthEvents() {
                @Override
                public void cooledDown(ChannelCooledDown event) {
                    cooled.add(event);
                }

                @Override
                public void autoDisable(String channelId, FailureClass cause, String detail) {
                    disabled.add(channelId + ":" + cause);
                }
            },
            "gw-test");

    @Test
    void coolsDownUntilRetryAfterAndThenAllowsExactlyOneTrial() {
        health.onFailure("a", FailureKind.RATE_LIMITED, Duration.ofSeconds(7), "429");

        assertThat(health.available("a")).isFalse();
        assertThat(cooled).singleElement().satisfies(e -> {
            assertThat(e.until()).isEqualTo(clock.instant().plusSeconds(7));
            assertThat(e.cause()).isEqualTo(ChannelCooledDown.CooldownCause.RATE_LIMITED);
            assertThat(e.replicaId()).isEqualTo("gw-test");
        });
        clock.advance(Duration.ofMillis(6999));
        assertThat(health.tryAcquire("a")).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(health.tryAcquire("a")).as("the trial").isTrue();
        assertThat(health.tryAcquire("a"))
                .as("no second request while the trial runs")
                .isFalse();
        health.onSuccess("a");
        assertThat(health.tryAcquire("a")).isTrue();
        assertThat(health.tryAcquire("a")).isTrue();
    }

    @Test
    void remembersWhyAChannelIsCoolingDownUntilTheCooldownEnds() {
        health.onFailure("a", FailureKind.RATE_LIMITED, Duration.ofSeconds(3), "429");
        health.applyRemoteCooldown("b", clock.instant().plusSeconds(3), ChannelCooledDown.CooldownCause.TIMEOUT);

        assertThat(health.cooldownCause("a")).isEqualTo(ChannelCooledDown.CooldownCause.RATE_LIMITED);
        assertThat(health.cooldownCause("b")).isEqualTo(ChannelCooledDown.CooldownCause.TIMEOUT);
        assertThat(health.cooldownCause("c")).isNull();
        clock.advance(Duration.ofSeconds(3));
        assertThat(health.cooldownCause("a")).isNull();
    }

    @Test
    void backsOffExponentiallyOnRepeated429WithoutAHint() {
        health.onFailure("a", FailureKind.RATE_LIMITED, null, "429");
        assertThat(health.cooldownUntil("a")).isEqualTo(clock.instant().plusSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(health.tryAcquire("a")).isTrue();
        health.onFailure("a", FailureKind.RATE_LIMITED, null, "429 again");
        assertThat(health.cooldownUntil("a")).isEqualTo(clock.instant().plusSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        assertThat(health.tryAcquire("a")).isTrue();
        health.onFailure("a", FailureKind.RATE_LIMITED, null, "429 again");
        assertThat(health.cooldownUntil("a")).isEqualTo(clock.instant().plusSeconds(4));
    }

    @Test
    void autoDisablesOnAnExhaustedQuotaAtOnceAndOnRepeatedAuthFailures() {
        health.onFailure("q", FailureKind.QUOTA_EXHAUSTED, null, "insufficient_quota");
        health.onFailure("k", FailureKind.AUTH_REFUSED, null, "401");
        assertThat(disabled).containsExactly("q:QUOTA_EXHAUSTED");
        clock.advance(Duration.ofMinutes(1));
        health.onFailure("k", FailureKind.AUTH_REFUSED, null, "401");
        assertThat(disabled).containsExactly("q:QUOTA_EXHAUSTED", "k:AUTH_INVALID");
    }

    @Test
    void opensTheBreakerOnAHighFailureRateAndHalfOpensAfterwards() {
        for (int i = 0; i < 6; i++) {
            health.onSuccess("s");
        }
        for (int i = 0; i < 5; i++) {
            health.onFailure("s", FailureKind.SERVER_ERROR, null, "500");
        }
        assertThat(health.available("s")).as("5 of 11 failed: below 50%").isTrue();
        health.onFailure("s", FailureKind.TIMEOUT, null, "timeout");
        assertThat(health.available("s")).as("6 of 12 failed: open").isFalse();
        clock.advance(Duration.ofSeconds(10));
        assertThat(health.tryAcquire("s")).isTrue();
        health.onFailure("s", FailureKind.SERVER_ERROR, null, "500 in the trial");
        assertThat(health.cooldownUntil("s"))
                .as("re-opened for twice as long")
                .isEqualTo(clock.instant().plusSeconds(20));
    }

    @Test
    void honoursCooldownsDecidedByOtherReplicas() {
        health.applyRemoteCooldown("r", clock.instant().plusSeconds(30), null);
        assertThat(health.available("r")).isFalse();
        assertThat(cooled).as("no echo of a remote decision").isEmpty();
        clock.advance(Duration.ofSeconds(30));
        assertThat(health.tryAcquire("r")).isTrue();
        assertThat(health.tryAcquire("r")).isFalse();
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
