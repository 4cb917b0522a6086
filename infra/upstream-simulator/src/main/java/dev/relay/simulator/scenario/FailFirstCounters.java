package dev.relay.simulator.scenario;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Counts requests per scenario id (or per API key when there is none) for the fail-first and ok-then behaviours, each
 * behaviour on its own counters.
 */
@Component
public class FailFirstCounters {

    private static final int MAX_SCENARIOS = 100_000;

    private final ConcurrentMap<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    /** Counts this request; true while it is one of the first {@code failFirst} of its scenario. */
    public boolean shouldFail(Scenario scenario) {
        return next(Behavior.FAIL_FIRST, scenario) <= scenario.failFirst();
    }

    /** Counts this request; true once more than {@code okFirst} requests of its scenario came ({@code ok-then}). */
    public boolean okRunIsOver(Scenario scenario) {
        return next(Behavior.OK_THEN, scenario) > scenario.okFirst();
    }

    /** Counts this request for {@code behavior} and returns how many of its scenario came so far, this one included. */
    private int next(Behavior behavior, Scenario scenario) {
        String id = behavior.wireName()
                + (scenario.scenarioId() != null ? "|scenario:" + scenario.scenarioId() : "|key:" + scenario.apiKey());
        if (counters.size() >= MAX_SCENARIOS && !counters.containsKey(id)) {
            counters.clear();
        }
        // saturates instead of wrapping, so a long benchmark never starts a scenario over
        return counters.computeIfAbsent(id, k -> new AtomicInteger())
                .updateAndGet(n -> n == Integer.MAX_VALUE ? n : n + 1);
    }

    public void clear() {
        counters.clear();
    }
}
