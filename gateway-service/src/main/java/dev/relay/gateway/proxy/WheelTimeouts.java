package dev.relay.gateway.proxy;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The hot path's timeouts (first byte, stream idle, total) on one hashed timing wheel with 10 ms ticks, instead of a
 * {@code Mono.delay} per timeout on Reactor's parallel scheduler: arming a wheel timeout is a lock-free queue insert
 * and cancelling one a flag, where the scheduler takes a lock on a shared delay queue (and may wake its thread) both
 * times. A stream's idle timeout is one wheel entry per idle period, however many chunks it carries: a chunk only
 * notes its time ({@link IdleWatch}). Timeouts fire up to one tick late, which no timeout of seconds notices.
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

    /** A fresh idle watch for one stream (see {@link IdleWatch}). */
    public IdleWatch idle(Duration idle) {
        return new IdleWatch(wheel, Math.max(1, idle.toNanos()));
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
     * A stream's idle timeout: {@link #window()} is called for every chunk (it is the per-item timeout of
     * {@code timeout(first, item -> watch.window())}) and only records the chunk's time and the operator's newest
     * trigger subscriber. One wheel entry is armed at a time; when it fires it either signals the newest window (no
     * chunk for the whole idle time) or re-arms itself for the rest of the period. A stale signal (a chunk came in the
     * meantime) is ignored by the timeout operator, which only honours the trigger of its current item.
     */
    public static final class IdleWatch implements TimerTask {
        private final HashedWheelTimer wheel;
        private final long idleNanos;
        private final AtomicReference<Window> current = new AtomicReference<>();
        private final AtomicBoolean armed = new AtomicBoolean();
        private volatile long lastNanos;

        IdleWatch(HashedWheelTimer wheel, long idleNanos) {
            this.wheel = wheel;
            this.idleNanos = idleNanos;
        }

        /** The trigger for the period after the current chunk. */
        public Publisher<Long> window() {
            return s -> {
                Window w = new Window(this, s);
                s.onSubscribe(w);
                lastNanos = System.nanoTime();
                current.set(w);
                if (!armed.get() && armed.compareAndSet(false, true)) {
                    wheel.newTimeout(this, idleNanos, TimeUnit.NANOSECONDS);
                }
            };
        }

        @Override
        public void run(Timeout t) {
            Window w = current.get();
            if (w == null) { // the stream ended (or is between two chunks): disarm, unless a chunk re-armed the window
                armed.set(false);
                if (current.get() == null || !armed.compareAndSet(false, true)) {
                    return;
                }
                w = current.get();
                if (w == null) {
                    armed.set(false);
                    return;
                }
            }
            long quiet = System.nanoTime() - lastNanos;
            if (quiet >= idleNanos) {
                w.fire();
                armed.set(false);
            } else {
                wheel.newTimeout(this, idleNanos - quiet, TimeUnit.NANOSECONDS);
            }
        }

        private static final class Window implements Subscription {
            private final IdleWatch watch;
            private final Subscriber<? super Long> subscriber;
            private volatile boolean cancelled;

            Window(IdleWatch watch, Subscriber<? super Long> subscriber) {
                this.watch = watch;
                this.subscriber = subscriber;
            }

            void fire() {
                if (!cancelled) {
                    subscriber.onNext(0L);
                    subscriber.onComplete();
                }
            }

            @Override
            public void request(long n) {}

            @Override
            public void cancel() {
                cancelled = true;
                watch.current.compareAndSet(this, null);
            }
        }
    }
}
