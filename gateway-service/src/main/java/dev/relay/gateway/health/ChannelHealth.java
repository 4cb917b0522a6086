package dev.relay.gateway.health;

import dev.relay.contracts.ChannelCooledDown;
import dev.relay.contracts.ChannelCooledDown.CooldownCause;
import dev.relay.contracts.FailureClass;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-channel health, keyed by cause:
 *
 * <ul>
 *   <li>429 → cooldown until {@code retry-after} (or the reset header), else exponential from {@code baseCooldown};
 *   <li>quota-exhausted bodies, and {@code authFailuresToDisable} consecutive 401/403 → auto-disable (an event);
 *   <li>5xx / timeouts / connect errors → failure-rate circuit breaker over the last {@code window} outcomes;
 *   <li>after any cooldown the channel is half-open: one trial at a time, and only a successful trial closes it.
 * </ul>
 *
 * Cooldowns are shared: decisions go out through {@link HealthEvents}; other replicas' decisions come in through
 * {@link #applyRemoteCooldown}. Time is injected.
 */
public class ChannelHealth {

    /** Tunables. */
    public record Settings(
            Duration baseCooldown,
            Duration maxCooldown,
            int window,
            int minCalls,
            double failureRateThreshold,
            Duration breakerOpen,
            int authFailuresToDisable) {
        public static final Settings DEFAULTS =
                new Settings(Duration.ofSeconds(1), Duration.ofMinutes(5), 20, 4, 0.5, Duration.ofSeconds(10), 2);
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Settings settings;
    private final HealthEvents events;
    private final String replicaId;

    public ChannelHealth(Clock clock, Settings settings, HealthEvents events, String replicaId) {
        this.clock = clock;
        this.settings = settings;
        this.events = events;
        this.replicaId = replicaId;
    }

    private State state(String channelId) {
        return states.computeIfAbsent(channelId, id -> new State(settings.window()));
    }

    /** Whether the channel may be tried now (no side effect). */
    public boolean available(String channelId) {
        State s = states.get(channelId);
        if (s == null) {
            return true;
        }
        synchronized (s) {
            Instant now = clock.instant();
            if (s.until != null && now.isBefore(s.until)) {
                return false;
            }
            return !s.halfOpen || !s.trialInFlight;
        }
    }

    /** When the channel's current cooldown ends (null when none). */
    public Instant cooldownUntil(String channelId) {
        State s = states.get(channelId);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            return s.until != null && clock.instant().isBefore(s.until) ? s.until : null;
        }
    }

    /** Why the channel's current cooldown was started (null when none is running or the cause is unknown). */
    public CooldownCause cooldownCause(String channelId) {
        State s = states.get(channelId);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            return s.until != null && clock.instant().isBefore(s.until) ? s.cause : null;
        }
    }

    /** Claims the right to send one request; in half-open state only one trial at a time is granted. */
    public boolean tryAcquire(String channelId) {
        State s = states.get(channelId);
        if (s == null) {
            return true;
        }
        synchronized (s) {
            Instant now = clock.instant();
            if (s.until != null && now.isBefore(s.until)) {
                return false;
            }
            if (s.halfOpen) {
                if (s.trialInFlight) {
                    return false;
                }
                s.trialInFlight = true;
            }
            return true;
        }
    }

    /** Releases a claim without an outcome (e.g. the client went away). */
    public void release(String channelId) {
        State s = states.get(channelId);
        if (s != null) {
            synchronized (s) {
                s.trialInFlight = false;
            }
        }
    }

    public void onSuccess(String channelId) {
        State s = state(channelId);
        synchronized (s) {
            s.record(true);
            s.halfOpen = false;
            s.trialInFlight = false;
            s.until = null;
            s.consecutiveRateLimits = 0;
            s.consecutiveAuthFailures = 0;
            s.breakerTrips = 0;
        }
    }

    /**
     * Records a failed attempt.
     *
     * @param retryAfter the upstream's own hint ({@code retry-after} or reset header), or null
     */
    public void onFailure(String channelId, FailureKind kind, Duration retryAfter, String detail) {
        State s = state(channelId);
        ChannelCooledDown cooled = null;
        boolean disable = false;
        FailureClass disableCause = null;
        synchronized (s) {
            Instant now = clock.instant();
            s.trialInFlight = false;
            switch (kind) {
                case RATE_LIMITED -> {
                    s.consecutiveRateLimits++;
                    Duration d = retryAfter != null && !retryAfter.isNegative() && !retryAfter.isZero()
                            ? min(retryAfter, settings.maxCooldown())
                            : exponential(settings.baseCooldown(), s.consecutiveRateLimits);
                    cooled = coolDown(s, channelId, CooldownCause.RATE_LIMITED, now.plus(d), s.consecutiveRateLimits);
                }
                case QUOTA_EXHAUSTED -> {
                    disable = true;
                    disableCause = FailureClass.QUOTA_EXHAUSTED;
                    cooled = coolDown(s, channelId, CooldownCause.RATE_LIMITED, now.plus(settings.maxCooldown()), 1);
                }
                case AUTH_REFUSED -> {
                    s.consecutiveAuthFailures++;
                    if (s.consecutiveAuthFailures >= settings.authFailuresToDisable()) {
                        disable = true;
                        disableCause = FailureClass.AUTH_INVALID;
                    }
                    cooled = coolDown(
                            s,
                            channelId,
                            CooldownCause.UPSTREAM_ERROR,
                            now.plus(exponential(settings.baseCooldown(), s.consecutiveAuthFailures)),
                            s.consecutiveAuthFailures);
                }
                case SERVER_ERROR, TIMEOUT, CONNECT_ERROR -> {
                    s.record(false);
                    boolean trip = s.halfOpen
                            || (s.calls() >= settings.minCalls() && s.failureRate() >= settings.failureRateThreshold());
                    if (trip) {
                        s.breakerTrips++;
                        Duration d = min(
                                settings.breakerOpen().multipliedBy(1L << Math.min(s.breakerTrips - 1, 10)),
                                settings.maxCooldown());
                        CooldownCause cause = switch (kind) {
                            case TIMEOUT -> CooldownCause.TIMEOUT;
                            case CONNECT_ERROR -> CooldownCause.UNREACHABLE;
                            default -> CooldownCause.UPSTREAM_ERROR;
                        };
                        cooled = coolDown(s, channelId, cause, now.plus(d), s.breakerTrips);
                        s.resetWindow();
                    }
                }
                case LOCAL_OVERLOAD -> {
                    // the gateway's own pool, not the upstream: no penalty (callers normally do not report it)
                }
            }
        }
        if (cooled != null) {
            events.cooledDown(cooled);
        }
        if (disable) {
            events.autoDisable(channelId, disableCause, detail);
        }
    }

    /** A cooldown decided elsewhere (another replica, or persisted before a restart), with its cause when known. */
    public void applyRemoteCooldown(String channelId, Instant until, CooldownCause cause) {
        State s = state(channelId);
        synchronized (s) {
            if (s.until == null || until.isAfter(s.until)) {
                s.until = until;
                s.cause = cause;
            }
            s.halfOpen = true;
        }
    }

    /** Forgets everything about a channel (re-enabled by an operator, or deleted). */
    public void reset(String channelId) {
        states.remove(channelId);
    }

    public String replicaId() {
        return replicaId;
    }

    private ChannelCooledDown coolDown(State s, String channelId, CooldownCause cause, Instant until, int failures) {
        if (s.until != null && !until.isAfter(s.until)) {
            s.halfOpen = true;
            return null;
        }
        s.until = until;
        s.cause = cause;
        s.halfOpen = true;
        return new ChannelCooledDown(channelId, cause, until, failures, replicaId, clock.instant());
    }

    private Duration exponential(Duration base, int n) {
        return min(base.multipliedBy(1L << Math.min(Math.max(n - 1, 0), 20)), settings.maxCooldown());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static final class State {
        private final boolean[] outcomes;
        private int next;
        private int filled;
        Instant until;
        CooldownCause cause;
        boolean halfOpen;
        boolean trialInFlight;
        int consecutiveRateLimits;
        int consecutiveAuthFailures;
        int breakerTrips;

        State(int window) {
            outcomes = new boolean[window];
        }

        void record(boolean ok) {
            outcomes[next] = ok;
            next = (next + 1) % outcomes.length;
            filled = Math.min(filled + 1, outcomes.length);
        }

        int calls() {
            return filled;
        }

        double failureRate() {
            int failures = 0;
            for (int i = 0; i < filled; i++) {
                if (!outcomes[i]) {
                    failures++;
                }
            }
            return filled == 0 ? 0 : (double) failures / filled;
        }

        void resetWindow() {
            next = 0;
            filled = 0;
        }
    }
}
