package dev.relay.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The hot path's timeouts on the timing wheel: they fire, they disarm, and a busy stream keeps one entry armed. */
class WheelTimeoutsTests {

    private static final long TIMED_OUT = -1L;

    private final WheelTimeouts timeouts = new WheelTimeouts();

    @AfterEach
    void stop() {
        timeouts.stop();
    }

    @Test
    void aTimeoutFiresWhenNothingCame() {
        Long v = Mono.<Long>never()
                .timeout(timeouts.after(Duration.ofMillis(100)))
                .onErrorResume(TimeoutException.class, e -> Mono.just(TIMED_OUT))
                .block(Duration.ofSeconds(5));
        assertThat(v).isEqualTo(TIMED_OUT);
    }

    @Test
    void aTimeoutDoesNotFireOnceTheValueCame() throws Exception {
        AtomicBoolean late = new AtomicBoolean();
        Long v = Mono.delay(Duration.ofMillis(20))
                .timeout(Flux.from(timeouts.after(Duration.ofMillis(150))).doOnNext(x -> late.set(true)))
                .block(Duration.ofSeconds(5));
        assertThat(v).isZero();
        Thread.sleep(300);
        assertThat(late).as("the wheel entry was disarmed when the value came").isFalse();
        assertThat(timeouts.pending()).isZero();
    }

    @Test
    void aStreamThatKeepsTalkingIsNotIdleAndHoldsOneWheelEntry() {
        AtomicLong maxPending = new AtomicLong();
        // 40 chunks 10 ms apart: 400 ms in all, far longer than the idle timeout, never 150 ms quiet
        List<Long> got = timeouts.watch(
                        Flux.interval(Duration.ofMillis(10))
                                .take(40)
                                .doOnNext(i -> maxPending.accumulateAndGet(timeouts.pending(), Math::max)),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(150))
                .onErrorResume(TimeoutException.class, e -> Flux.just(TIMED_OUT))
                .collectList()
                .block(Duration.ofSeconds(5));
        assertThat(got).hasSize(40).doesNotContain(TIMED_OUT);
        // one entry at a time (the first-item one, then the idle one; a cancelled one may wait for its tick), not one
        // per chunk
        assertThat(maxPending.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void aStreamThatFallsSilentTimesOutAfterTheIdleTime() {
        long start = System.nanoTime();
        List<Long> got = timeouts.watch(
                        Flux.interval(Duration.ofMillis(10)).take(10).concatWith(Flux.never()),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(150))
                .onErrorResume(TimeoutException.class, e -> Flux.just(TIMED_OUT))
                .collectList()
                .block(Duration.ofSeconds(5));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(got).hasSize(11).endsWith(TIMED_OUT);
        // ~100 ms of chunks, then 150 ms of silence (plus a tick or two of the wheel)
        assertThat(ms).isBetween(240L, 2_000L);
    }

    @Test
    void theFirstByteTimeoutStillAppliesToAStreamThatNeverStarts() {
        List<Long> got = timeouts.watch(Flux.<Long>never(), Duration.ofMillis(100), Duration.ofSeconds(10))
                .onErrorResume(TimeoutException.class, e -> Flux.just(TIMED_OUT))
                .collectList()
                .block(Duration.ofSeconds(5));
        assertThat(got).containsExactly(TIMED_OUT);
    }

    @Test
    void cancellingAWatchedStreamCancelsItsSourceAndDisarmsIt() throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        reactor.core.Disposable d = timeouts.watch(
                        Flux.<Long>never().doOnCancel(() -> cancelled.set(true)),
                        Duration.ofMillis(200),
                        Duration.ofMillis(200))
                .subscribe(x -> {}, e -> cancelled.set(false));
        d.dispose();
        Thread.sleep(400);
        assertThat(cancelled).as("cancelled, and no timeout signalled after it").isTrue();
    }
}
