package dev.relay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.gateway.routing.SnapshotHolder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;

/** Reloads coalesce: waiting writers share a trailing load, a burst of events shares a load per coalescing window. */
class SnapshotLoaderCoalescingTests {

    private final Store store = new Store();
    private final SnapshotHolder holder = new SnapshotHolder();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Long> reported = new CopyOnWriteArrayList<>();
    private SnapshotLoader loader;

    @AfterEach
    void stop() {
        if (loader != null) {
            loader.destroy();
        }
    }

    @Test
    void writersArrivingDuringALoadShareOneTrailingLoadAndReadTheirWrites() throws Exception {
        loader = loader(Duration.ZERO);
        store.version.set(1);
        loader.refresh();

        CountDownLatch held = new CountDownLatch(1);
        store.hold = held;
        store.version.set(2);
        Thread first = Thread.ofPlatform().start(() -> loader.awaitVersion(2)); // its load reads version 2, then waits
        await().atMost(Duration.ofSeconds(5)).until(() -> store.loads.get() == 2);

        store.version.set(12); // ten more writes commit while that load runs
        List<Long> served = new CopyOnWriteArrayList<>();
        List<Thread> writers = IntStream.rangeClosed(3, 12)
                .mapToObj(v -> Thread.ofPlatform()
                        .start(() -> served.add(loader.awaitVersion(v).version())))
                .toList();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> writers.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        held.countDown();
        first.join(5_000);
        for (Thread t : writers) {
            t.join(5_000);
        }

        assertThat(served).hasSize(10).allMatch(v -> v == 12);
        assertThat(store.loads.get())
                .as("start-up, the running load, one trailing load")
                .isEqualTo(3);
        assertThat(reloads()).isEqualTo(3);
        assertThat(reported).containsExactly(1L, 2L, 12L);
        assertThat(loader.awaitVersion(12).version()).isEqualTo(12);
        assertThat(store.loads.get())
                .as("a version already served costs no load")
                .isEqualTo(3);
    }

    @Test
    void aBurstOfEventsWithinTheCoalescingWindowCostsOneLoad() {
        loader = loader(Duration.ofMillis(300));
        store.version.set(1);
        loader.refresh();

        for (long v = 2; v <= 101; v++) {
            store.version.set(v);
            loader.refreshLaterTo(v);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> holder.get().version() == 101);
        assertThat(store.loads.get()).isEqualTo(2);

        loader.refreshLaterTo(101);
        loader.refreshLaterTo(50);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> store.loads.get() == 2);
    }

    @Test
    void anEventAfterAQuietSpellLoadsAtOnce() {
        loader = loader(Duration.ZERO);
        store.version.set(1);
        loader.refresh();

        store.version.set(2);
        loader.refreshLaterTo(2);
        await().atMost(Duration.ofSeconds(2)).until(() -> holder.get().version() == 2);
        assertThat(store.loads.get()).isEqualTo(2);
    }

    private SnapshotLoader loader(Duration window) {
        return new SnapshotLoader(
                store, new NoTransactions(), ConfigFixtures.BOX, holder, registry, window, reported::add);
    }

    private double reloads() {
        return registry.get(SnapshotLoader.RELOADS_METRIC).tag("result", "ok").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    /**
     * A configuration without rows whose version the test commits; a load reads the version first (its consistent
     * read begins) and then waits while {@link #hold} is closed.
     */
    private static final class Store extends ConfigRepository {
        final AtomicLong version = new AtomicLong();
        final AtomicInteger loads = new AtomicInteger();
        volatile CountDownLatch hold;

        Store() {
            super(null, "k1");
        }

        @Override
        public long currentVersion() {
            long v = version.get();
            loads.incrementAndGet();
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            return v;
        }

        @Override
        public List<Change> changesAfter(long version, int limit) {
            return List.of(); // no change log: every load is a full one
        }

        @Override
        public List<ChannelRecord> listChannels(ConfigFilter f) {
            return List.of();
        }

        @Override
        public List<GroupRecord> listGroups(ConfigFilter f) {
            return List.of();
        }

        @Override
        public List<KeyRecord> listKeys(ConfigFilter f) {
            return List.of();
        }
    }

    private static final class NoTransactions implements PlatformTransactionManager {
        @Override
        public TransactionStatus getTransaction(TransactionDefinition definition) {
            return new SimpleTransactionStatus();
        }

        @Override
        public void commit(TransactionStatus status) {}

        @Override
        public void rollback(TransactionStatus status) {}
    }
}
