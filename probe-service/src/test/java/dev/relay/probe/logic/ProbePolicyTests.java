package dev.relay.probe.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.contracts.FailureClass;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ProbePolicyTests {

    /** Always draws the lowest value of a bounded range. */
    static final RandomGenerator LOWEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };

    /** Always draws the highest value of a bounded range. */
    static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    @Test
    void backsOffExponentiallyFromTwoSecondsWithEqualJitter() {
        ProbePolicy low = new ProbePolicy(LOWEST);
        ProbePolicy high = new ProbePolicy(HIGHEST);
        assertThat(high.nextDelay(FailureClass.TIMEOUT, 1, null)).contains(Duration.ofSeconds(2));
        assertThat(low.nextDelay(FailureClass.TIMEOUT, 1, null)).contains(Duration.ofSeconds(1));
        assertThat(high.nextDelay(FailureClass.TIMEOUT, 2, null)).contains(Duration.ofSeconds(4));
        assertThat(low.nextDelay(FailureClass.TIMEOUT, 2, null)).contains(Duration.ofSeconds(2));
        assertThat(high.nextDelay(FailureClass.TIMEOUT, 3, null)).contains(Duration.ofSeconds(8));
        assertThat(low.nextDelay(FailureClass.TIMEOUT, 3, null)).contains(Duration.ofSeconds(4));
    }

    @Test
    void staysWithinTheJitterWindowForAnyRandomSource() {
        ProbePolicy policy = new ProbePolicy(new SplittableRandom(42));
        for (int i = 0; i < 1000; i++) {
            Duration d = policy.nextDelay(FailureClass.UPSTREAM_ERROR, 2, null).orElseThrow();
            assertThat(d).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
        }
    }

    @Test
    void isReproducibleWithTheSameSeed() {
        ProbePolicy a = new ProbePolicy(new SplittableRandom(7));
        ProbePolicy b = new ProbePolicy(new SplittableRandom(7));
        for (int attempt = 1; attempt < 4; attempt++) {
            assertThat(a.nextDelay(FailureClass.UNREACHABLE, attempt, null))
                    .isEqualTo(b.nextDelay(FailureClass.UNREACHABLE, attempt, null));
        }
    }

    @Test
    void capsTheBackoffAtSixtySecondsWithoutOverflowing() {
        ProbePolicy many = new ProbePolicy(1000, Duration.ofSeconds(2), Duration.ofSeconds(60), HIGHEST);
        assertThat(many.nextDelay(FailureClass.TIMEOUT, 6, null)).contains(Duration.ofSeconds(60)); // 64 s capped
        assertThat(many.nextDelay(FailureClass.TIMEOUT, 64, null)).contains(Duration.ofSeconds(60));
        assertThat(many.nextDelay(FailureClass.TIMEOUT, 999, null)).contains(Duration.ofSeconds(60));
        assertThat(new ProbePolicy(1000, Duration.ofSeconds(2), Duration.ofSeconds(60), LOWEST)
                        .nextDelay(FailureClass.TIMEOUT, 500, null))
                .contains(Duration.ofSeconds(30));
    }

    @Test
    void honoursARetryAfterCappedAtTheCap() {
        ProbePolicy policy = new ProbePolicy(HIGHEST);
        assertThat(policy.nextDelay(FailureClass.RATE_LIMITED, 1, 17)).contains(Duration.ofSeconds(17));
        assertThat(policy.nextDelay(FailureClass.RATE_LIMITED, 1, 0)).contains(Duration.ZERO);
        assertThat(policy.nextDelay(FailureClass.RATE_LIMITED, 1, 3600)).contains(Duration.ofSeconds(60));
        assertThat(policy.nextDelay(FailureClass.UPSTREAM_ERROR, 2, 5)).contains(Duration.ofSeconds(5));
        // a negative retry-after is ignored: plain backoff
        assertThat(policy.nextDelay(FailureClass.RATE_LIMITED, 1, -1)).contains(Duration.ofSeconds(2));
    }

    @Test
    void retriesOnlyTheRetryableClasses() {
        ProbePolicy policy = new ProbePolicy(HIGHEST);
        for (FailureClass c : FailureClass.values()) {
            Optional<Duration> d = policy.nextDelay(c, 1, null);
            boolean expected = c == FailureClass.RATE_LIMITED
                    || c == FailureClass.UNREACHABLE
                    || c == FailureClass.TIMEOUT
                    || c == FailureClass.UPSTREAM_ERROR;
            assertThat(d.isPresent()).as(c.name()).isEqualTo(expected);
            assertThat(policy.retryable(c)).as(c.name()).isEqualTo(expected);
        }
        assertThat(policy.nextDelay(null, 1, null)).isEmpty();
        assertThat(policy.nextDelay(FailureClass.AUTH_INVALID, 1, 5)).isEmpty();
    }

    @Test
    void stopsAfterFourAttemptsByDefault() {
        ProbePolicy policy = new ProbePolicy(HIGHEST);
        assertThat(policy.maxAttempts()).isEqualTo(4);
        assertThat(policy.nextDelay(FailureClass.TIMEOUT, 3, null)).isPresent();
        assertThat(policy.nextDelay(FailureClass.TIMEOUT, 4, null)).isEmpty();
        assertThat(policy.nextDelay(FailureClass.RATE_LIMITED, 4, 1)).isEmpty();
        assertThat(policy.nextDelay(FailureClass.TIMEOUT, 40, null)).isEmpty();
        ProbePolicy once = new ProbePolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), HIGHEST);
        assertThat(once.nextDelay(FailureClass.TIMEOUT, 1, null)).isEmpty();
    }

    @Test
    void refusesNonsenseSettingsAndAttemptCounts() {
        assertThatThrownBy(() -> new ProbePolicy(HIGHEST).nextDelay(FailureClass.TIMEOUT, 0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attemptsSoFar");
        assertThatThrownBy(() -> new ProbePolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(2), HIGHEST))
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new ProbePolicy(3, Duration.ZERO, Duration.ofSeconds(2), HIGHEST))
                .hasMessageContaining("base");
        assertThatThrownBy(() -> new ProbePolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(2), HIGHEST))
                .hasMessageContaining("cap");
        assertThatThrownBy(() -> new ProbePolicy(null)).isInstanceOf(NullPointerException.class);
    }
}
