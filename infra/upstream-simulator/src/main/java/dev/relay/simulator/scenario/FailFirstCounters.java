package dev.relay.simulator.scenario;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** Counts requests per scenario id (or per API key when there is none) for the fail-first behaviour. */
@Component
public class FailFirstCounters {

    private static final int MAX_SCENARIOS = 100_000;

    private final ConcurrentMap<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    /** Counts this request; true while it is one of the first {@code failFirst} of its scenario. */
    public boolean shouldFail(Scenario scenario) {
        String id = scenario.scenarioId() != null ? "scenario:" + scenario.scenarioId() : "key:" + scenario.apiKey();
        if (counters.size() >= MAX_SCENARIOS && !counters.containsKey(id)) {
            counters.clear();
        }
        return counters.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() <= scenario.failFirst();
    }

    public void clear() {
        counters.clear();
    }
}
