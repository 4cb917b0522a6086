package dev.relay.simulator.content;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Unique, provider-looking ids ({@code chatcmpl-...}, {@code msg_...}): a per-process random base plus a counter. */
public final class Ids {

    private static final long BASE = ThreadLocalRandom.current().nextLong();
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private Ids() {}

    public static String next(String prefix) {
        long n = SEQUENCE.incrementAndGet();
        return prefix + "sim" + Hashing.hex(Hashing.mix(BASE + n), 16) + Hashing.hex(n, 8);
    }
}
