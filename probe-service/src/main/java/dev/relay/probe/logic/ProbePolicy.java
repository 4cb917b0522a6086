package dev.relay.probe.logic;

import dev.relay.contracts.FailureClass;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * When to try a failed probe again. Only {@code RATE_LIMITED}, {@code UNREACHABLE}, {@code TIMEOUT} and {@code
 * UPSTREAM_ERROR} are retried, at most {@code maxAttempts} attempts in all (default {@value #DEFAULT_MAX_ATTEMPTS}).
 *
 * <p>The delay after attempt {@code n} is exponential backoff with "equal jitter": {@code e = min(cap, base * 2^(n-1))}
 * (base 2 s, cap 60 s by default), and the delay is drawn uniformly from {@code [e/2, e]}, so replicas retrying the
 * same upstream spread out but none retries at once. A {@code Retry-After} the upstream sent is honoured exactly
 * instead, capped at {@code cap} (an upstream asking for an hour gets the cap; the attempt bound ends the story).
 *
 * <p>Pure: the random source is injected, so a test fixes it.
 */
public final class ProbePolicy {

    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    public static final Duration DEFAULT_BASE = Duration.ofSeconds(2);
    public static final Duration DEFAULT_CAP = Duration.ofSeconds(60);

    /** The failure classes a later attempt may cure. */
    public static final Set<FailureClass> RETRYABLE = Set.copyOf(EnumSet.of(
            FailureClass.RATE_LIMITED, FailureClass.UNREACHABLE, FailureClass.TIMEOUT, FailureClass.UPSTREAM_ERROR));

    private final int maxAttempts;
    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;

    /** The default policy: 4 attempts, base 2 s, cap 60 s. */
    public ProbePolicy(RandomGenerator random) {
        this(DEFAULT_MAX_ATTEMPTS, DEFAULT_BASE, DEFAULT_CAP, random);
    }

    /**
     * @param maxAttempts attempts in all, the first included (at least 1)
     * @param base the delay scale after the first attempt (positive)
     * @param cap the longest delay (at least {@code base})
     */
    public ProbePolicy(int maxAttempts, Duration base, Duration cap, RandomGenerator random) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        }
        if (base == null || base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("base must be positive, not " + base);
        }
        if (cap == null || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("cap must be at least base (" + base + "), not " + cap);
        }
        this.maxAttempts = maxAttempts;
        this.base = base;
        this.cap = cap;
        this.random = Objects.requireNonNull(random, "random");
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether a failure class is retried at all. */
    public boolean retryable(FailureClass failureClass) {
        return RETRYABLE.contains(failureClass);
    }

    /**
     * How long to wait before the next attempt, or empty when there is none (the class is not retried, or the attempts
     * are used up).
     *
     * @param attemptsSoFar attempts made, the failed one included (1 after the first attempt)
     * @param retryAfterSeconds what the upstream asked for ({@code Retry-After}), or null; a negative value is ignored
     * @throws IllegalArgumentException when {@code attemptsSoFar} is below 1
     */
    public Optional<Duration> nextDelay(FailureClass failureClass, int attemptsSoFar, Integer retryAfterSeconds) {
        if (attemptsSoFar < 1) {
            throw new IllegalArgumentException("attemptsSoFar must be at least 1, not " + attemptsSoFar);
        }
        if (failureClass == null || !retryable(failureClass) || attemptsSoFar >= maxAttempts) {
            return Optional.empty();
        }
        if (retryAfterSeconds != null && retryAfterSeconds >= 0) {
            Duration asked = Duration.ofSeconds(retryAfterSeconds);
            return Optional.of(asked.compareTo(cap) > 0 ? cap : asked);
        }
        long exp = backoffMillis(attemptsSoFar);
        long low = exp / 2;
        long delay = low + random.nextLong(exp - low + 1);
        return Optional.of(Duration.ofMillis(delay));
    }

    /** {@code min(cap, base * 2^(n-1))} in milliseconds, without overflow. */
    private long backoffMillis(int attemptsSoFar) {
        long capMillis = cap.toMillis();
        long b = base.toMillis();
        int shift = attemptsSoFar - 1;
        if (shift >= 62 || b > (capMillis >> Math.min(shift, 62))) {
            return capMillis;
        }
        return Math.min(capMillis, b << shift);
    }
}
