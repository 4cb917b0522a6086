package dev.relay.gateway.proxy;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/**
 * The hot path's timeouts (first byte, stream idle, total) on one hashed timing wheel with 10 ms ticks, instead of a
 * {@code Mono.delay} per timeout on Reactor's parallel scheduler: arming a wheel timeout is a lock-free queue insert
 * and cancelling one a flag, where the scheduler takes a lock on a shared delay queue (and may wake its thread) both
 * times. A stream's first-item and idle timeouts are one wheel entry at a time, however many chunks it carries: a
 * chunk only notes its time ({@link #watch}). Timeouts fire up to one tick late, which no timeout of seconds notices.
 *
 * <p>The publishers are the trigger arguments of Reactor's {@code timeout(Publisher, Function)}: they emit one value
 * when the time is up, and the operator turns it into a {@code TimeoutException} unless an item came first.
 */
public final class WheelTimeouts {

    private final HashedWheelTimer wheel;

    public WheelTimeouts() {
        this.wheel = new HashedWheelTimer(
                r -> {
                    Thread t = new Thread(r, "relay-timeouts");
                    t.setDaemon(true);
                    return t;
                },
                10,
                TimeUnit.MILLISECONDS,
                512);
    }

    /** Emits one value after {@code delay}; cancelling the subscription disarms it. */
    public Publisher<Long> after(Duration delay) {
        long nanos = Math.max(0, delay.toNanos());
        return s -> {
            Trigger trigger = new Trigger(s);
            s.onSubscribe(trigger);
            trigger.arm(wheel, nanos);
        };
    }

    /**
     * {@code source} with a first-item timeout and, after it, an idle timeout between items, on one subscriber and one
     * wheel entry per stream: an item only notes its time (no per-item trigger subscription, unlike
     * {@code timeout(Publisher, Function)}). A timeout cancels the source and signals a {@link TimeoutException}.
     */
    public <T> Flux<T> watch(Flux<T> source, Duration first, Duration idle) {
        long firstNanos = Math.max(1, first.toNanos());
        long idleNanos = Math.max(1, idle.toNanos());
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super T> actual) {
                source.subscribe(new Watch<>(actual, wheel, firstNanos, idleNanos));
            }
        };
    }

    public void stop() {
        wheel.stop();
    }

    /** Timeouts armed and not yet fired or cancelled-and-purged (a gauge for leaks). */
    public long pending() {
        return wheel.pendingTimeouts();
    }

    private static final class Trigger implements Subscription, TimerTask {
        private final Subscriber<? super Long> subscriber;
        private volatile boolean cancelled;
        private volatile Timeout timeout;

        Trigger(Subscriber<? super Long> subscriber) {
            this.subscriber = subscriber;
        }

        void arm(HashedWheelTimer wheel, long nanos) {
            if (cancelled) {
                return;
            }
            Timeout t = wheel.newTimeout(this, nanos, TimeUnit.NANOSECONDS);
            timeout = t;
            if (cancelled) { // cancelled while being armed
                t.cancel();
            }
        }

        @Override
        public void run(Timeout t) {
            if (!cancelled) {
                subscriber.onNext(0L);
                subscriber.onComplete();
            }
        }

        @Override
        public void request(long n) {
            // one value, emitted when the time is up; the timeout operator requests everything anyway
        }

        @Override
        public void cancel() {
            cancelled = true;
            Timeout t = timeout;
            if (t != null) {
                t.cancel();
            }
        }
    }

    /**
     * The subscriber of {@link #watch}. Signals stay serial although the wheel thread may time the stream out while
     * the event loop delivers an item: {@code state} is 0 between items, 1 while one is delivered and 2 once the stream
     * ended (completed, failed, cancelled or timed out); only the 0 → 2 step may signal a timeout, so a timeout never
     * overlaps an item and an item after a timeout is dropped.
     */
    static final class Watch<T> implements CoreSubscriber<T>, Subscription, TimerTask {
        private static final AtomicIntegerFieldUpdater<Watch> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Watch.class, "state");

        private final CoreSubscriber<? super T> actual;
        private final HashedWheelTimer wheel;
        private final long firstNanos;
        private final long idleNanos;
        private Subscription upstream;
        private volatile int state;
        private volatile boolean started;
        private volatile long lastNanos;
        private volatile Timeout timeout;

        Watch(CoreSubscriber<? super T> actual, HashedWheelTimer wheel, long firstNanos, long idleNanos) {
            this.actual = actual;
            this.wheel = wheel;
            this.firstNanos = firstNanos;
            this.idleNanos = idleNanos;
        }

        @Override
        public reactor.util.context.Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            upstream = s;
            arm(firstNanos);
            actual.onSubscribe(this);
        }

        @Override
        public void onNext(T t) {
            if (!STATE.compareAndSet(this, 0, 1)) {
                return; // timed out or cancelled: the item is no one's
            }
            lastNanos = System.nanoTime();
            if (!started) {
                started = true;
                disarm(); // the first-item entry; from now on the idle time counts
                arm(idleNanos);
            }
            actual.onNext(t);
            STATE.compareAndSet(this, 1, 0);
        }

        @Override
        public void onError(Throwable e) {
            if (STATE.getAndSet(this, 2) != 2) {
                disarm();
                actual.onError(e);
            }
        }

        @Override
        public void onComplete() {
            if (STATE.getAndSet(this, 2) != 2) {
                disarm();
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            STATE.set(this, 2);
            disarm();
            upstream.cancel();
        }

        @Override
        public void run(Timeout t) {
            if (state == 2 || t != timeout) {
                return; // ended, or an entry replaced by a newer one
            }
            long wait = started ? idleNanos - (System.nanoTime() - lastNanos) : 0;
            if (wait > 0 || !STATE.compareAndSet(this, 0, 2)) {
                if (state != 2) {
                    arm(Math.max(
                            wait, TimeUnit.MILLISECONDS.toNanos(1))); // an item came meanwhile, or is being delivered
                }
                return;
            }
            upstream.cancel();
            actual.onError(new TimeoutException(
                    started
                            ? "no data for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms"
                            : "no first data within " + TimeUnit.NANOSECONDS.toMillis(firstNanos) + " ms"));
        }

        private void arm(long nanos) {
            timeout = wheel.newTimeout(this, nanos, TimeUnit.NANOSECONDS);
            if (state == 2) {
                disarm(); // ended while arming
            }
        }

        private void disarm() {
            Timeout t = timeout;
            if (t != null) {
                t.cancel();
            }
        }
    }
}
