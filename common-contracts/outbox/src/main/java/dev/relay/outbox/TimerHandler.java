package dev.relay.outbox;

/**
 * Runs the timers of one kind. Called outside any transaction while the runner holds the timer's lease; the handler
 * completes or reschedules the timer through {@link DurableTimers} in the transaction that records its effect. It
 * must be idempotent: a runner that dies after the effect but before the commit, or a lease that expires, runs the
 * timer again. A handler that throws has the timer backed off and retried.
 */
public interface TimerHandler {

    /** The timer kind this handler runs, e.g. {@code probe}. */
    String kind();

    /** How many timers of this kind may run at once in this process. */
    default int concurrency() {
        return 4;
    }

    void fire(DurableTimers.Fired timer) throws Exception;
}
