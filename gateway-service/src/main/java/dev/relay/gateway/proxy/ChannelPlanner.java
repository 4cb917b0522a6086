package dev.relay.gateway.proxy;

import dev.relay.gateway.health.ChannelHealth;
import dev.relay.gateway.routing.ChannelRoute;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Orders a model's candidate channels for one request: highest priority tier first; within a tier a weighted random
 * order (Efraimidis–Spirakis keys {@code u^(1/w)}), so weight 3 gets about three times the first attempts of weight 1;
 * channels in cooldown are left out.
 */
public final class ChannelPlanner {

    private final ChannelHealth health;
    private final Supplier<? extends RandomGenerator> random;

    /** @param random per-call source, e.g. {@code ThreadLocalRandom::current} (never share one across threads) */
    public ChannelPlanner(ChannelHealth health, Supplier<? extends RandomGenerator> random) {
        this.health = health;
        this.random = random;
    }

    public List<ChannelRoute> plan(List<ChannelRoute> candidates) {
        if (candidates.size() <= 1) {
            return candidates.isEmpty()
                            || health.available(candidates.getFirst().id())
                    ? candidates
                    : List.of();
        }
        RandomGenerator rnd = random.get();
        TreeMap<Integer, List<Keyed>> tiers = new TreeMap<>(Comparator.reverseOrder());
        for (ChannelRoute ch : candidates) {
            if (!health.available(ch.id())) {
                continue;
            }
            double key = Math.pow(rnd.nextDouble(), 1.0 / Math.max(1, ch.weight()));
            tiers.computeIfAbsent(ch.priority(), p -> new ArrayList<>()).add(new Keyed(ch, key));
        }
        List<ChannelRoute> out = new ArrayList<>(candidates.size());
        for (Map.Entry<Integer, List<Keyed>> tier : tiers.entrySet()) {
            tier.getValue().sort(Comparator.comparingDouble(Keyed::key).reversed());
            tier.getValue().forEach(k -> out.add(k.channel()));
        }
        return out;
    }

    private record Keyed(ChannelRoute channel, double key) {}
}
