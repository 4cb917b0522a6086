package dev.relay.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The shared durable timers against real PostgreSQL, in a schema of their own: scheduled in the caller's transaction
 * (a rollback schedules nothing), run once when due, rescheduled without a duplicate, and taken over by another runner
 * when the one that claimed a timer dies (its lease expires), while a stale claim cannot complete a moved timer.
 */
@RelayIntegrationTest
class DurableTimersIntegrationTests {

    static final String SCHEMA = "timers_it";
    static DriverManagerDataSource ds;
    static JdbcClient jdbc;
    static TransactionTemplate tx;
    static DurableTimers timers;

    @BeforeAll
    static void schema(RelayInfrastructure infra) throws Exception {
        ds = OwnSchema.create(infra, SCHEMA, "V0_2__durable_timers.sql");
        jdbc = JdbcClient.create(ds);
        tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        timers = new DurableTimers(jdbc, new OutboxProperties(SCHEMA, null, null, null, null), Clock.systemUTC());
    }

    @AfterAll
    static void dropSchema() throws Exception {
        OwnSchema.drop(ds, SCHEMA);
    }

    @BeforeEach
    void empty() {
        jdbc.sql("DELETE FROM " + SCHEMA + ".timer").update();
    }

    /** A handler that records what it ran and completes each timer in a transaction of its own. */
    static final class Recording implements TimerHandler {
        final ConcurrentLinkedQueue<String> ran = new ConcurrentLinkedQueue<>();
        final boolean complete;

        Recording(boolean complete) {
            this.complete = complete;
        }

        @Override
        public String kind() {
            return "it";
        }

        @Override
        public void fire(DurableTimers.Fired t) {
            ran.add(t.key() + ":" + t.payload());
            if (complete) {
                tx.executeWithoutResult(s -> timers.complete(t));
            }
        }
    }

    @Test
    void schedulesOnlyWhenTheCallersTransactionCommitsAndRunsEachTimerOnce() {
        String key = UUID.randomUUID().toString();
        try {
            tx.executeWithoutResult(s -> {
                timers.schedule("it", "rolled-back", Instant.now(), "x");
                throw new IllegalStateException("roll back");
            });
        } catch (IllegalStateException expected) {
            // the state change failed: so did its timer
        }
        tx.executeWithoutResult(s -> timers.schedule("it", key, Instant.now().minusSeconds(1), "p1"));
        tx.executeWithoutResult(s -> timers.schedule("it", key, Instant.now().minusSeconds(1), "p2")); // moved

        Recording handler = new Recording(true);
        TimerRunner runner = new TimerRunner(timers, List.of(handler), Duration.ofMillis(20), Duration.ofSeconds(30));
        runner.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !timers.exists("it", key));
        } finally {
            runner.stop();
        }
        assertThat(handler.ran).containsExactly(key + ":p2");
        assertThat(timers.exists("it", "rolled-back")).isFalse();
    }

    @Test
    void anotherRunnerTakesOverWhenTheLeaseOfADeadOneExpires() throws Exception {
        String key = UUID.randomUUID().toString();
        tx.executeWithoutResult(s -> timers.schedule("it", key, Instant.now().minusSeconds(1), "p"));

        // a runner claims it and "dies": never completes, never backs off
        List<DurableTimers.Fired> claimed = timers.claim(List.of("it"), "dead-runner", 10, Duration.ofMillis(500));
        assertThat(claimed).extracting(DurableTimers.Fired::key).containsExactly(key);
        assertThat(timers.claim(List.of("it"), "other", 10, Duration.ofSeconds(30)))
                .as("held by the lease")
                .isEmpty();

        Recording handler = new Recording(true);
        TimerRunner runner = new TimerRunner(timers, List.of(handler), Duration.ofMillis(20), Duration.ofSeconds(30));
        runner.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !timers.exists("it", key));
        } finally {
            runner.stop();
        }
        assertThat(handler.ran).containsExactly(key + ":p");
        // the dead runner's claim, were it to wake up, completes nothing
        assertThat((boolean) tx.execute(s -> timers.complete(claimed.getFirst())))
                .isFalse();
    }

    @Test
    void aStaleClaimCannotCompleteATimerThatWasRescheduledMeanwhile() {
        String key = UUID.randomUUID().toString();
        tx.executeWithoutResult(s -> timers.schedule("it", key, Instant.now().minusSeconds(1), "v1"));
        DurableTimers.Fired first =
                timers.claim(List.of("it"), "r1", 1, Duration.ofSeconds(30)).getFirst();
        tx.executeWithoutResult(s -> timers.schedule("it", key, Instant.now().plusSeconds(60), "v2"));
        assertThat((boolean) tx.execute(s -> timers.complete(first))).isFalse();
        assertThat(timers.exists("it", key)).isTrue();
        assertThat((boolean) tx.execute(s -> timers.cancel("it", key))).isTrue();
    }

    @Test
    void backsAFailingHandlerOffAndRetriesIt() throws Exception {
        String key = UUID.randomUUID().toString();
        tx.executeWithoutResult(s -> timers.schedule("it", key, Instant.now().minusSeconds(1), "p"));
        CountDownLatch twice = new CountDownLatch(2);
        TimerHandler flaky = new TimerHandler() {
            @Override
            public String kind() {
                return "it";
            }

            @Override
            public void fire(DurableTimers.Fired t) {
                twice.countDown();
                if (t.attempts() == 0) {
                    throw new IllegalStateException("first run fails");
                }
                tx.executeWithoutResult(s -> timers.complete(t));
            }
        };
        TimerRunner runner = new TimerRunner(timers, List.of(flaky), Duration.ofMillis(20), Duration.ofSeconds(30));
        runner.start();
        try {
            assertThat(twice.await(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !timers.exists("it", key));
        } finally {
            runner.stop();
        }
    }
}
