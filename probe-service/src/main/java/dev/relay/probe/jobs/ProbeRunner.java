package dev.relay.probe.jobs;

import dev.relay.contracts.ItemProbeFailed;
import dev.relay.contracts.ItemProbed;
import dev.relay.contracts.ItemReprobed;
import dev.relay.contracts.ItemStage;
import dev.relay.contracts.ItemStageStarted;
import dev.relay.contracts.SecretBox;
import dev.relay.outbox.DurableTimers;
import dev.relay.outbox.OutboxWriter;
import dev.relay.outbox.TimerHandler;
import dev.relay.probe.ProbeProperties;
import dev.relay.probe.logic.ProbePolicy;
import dev.relay.probe.upstream.Prober;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a due probe job (timer kind {@value ProbeJobs#PROBE}): announces the stage, probes outside any transaction,
 * then in one transaction writes the result event and completes the timer — or, for a retryable failure with attempts
 * left, writes the failure with its next attempt time and moves the timer there. A job that was cancelled or replaced
 * by a newer attempt meanwhile is left alone. Killed mid-probe, the timer's lease expires and the probe runs again;
 * its events are written only once it finished, so nothing is announced twice but the stage start.
 */
@Component
public class ProbeRunner implements TimerHandler {

    private static final Logger log = LoggerFactory.getLogger(ProbeRunner.class);

    private final ProbeJobs jobs;
    private final DurableTimers timers;
    private final OutboxWriter outbox;
    private final TransactionTemplate tx;
    private final Prober prober;
    private final ProbePolicy policy;
    private final SecretBox box;
    private final ProbeProperties properties;
    private final Clock clock;
    private final MeterRegistry metrics;

    public ProbeRunner(
            ProbeJobs jobs,
            DurableTimers timers,
            OutboxWriter outbox,
            TransactionTemplate tx,
            Prober prober,
            ProbePolicy policy,
            SecretBox box,
            ProbeProperties properties,
            Clock clock,
            MeterRegistry metrics) {
        this.jobs = jobs;
        this.timers = timers;
        this.outbox = outbox;
        this.tx = tx;
        this.prober = prober;
        this.policy = policy;
        this.box = box;
        this.properties = properties;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public String kind() {
        return ProbeJobs.PROBE;
    }

    @Override
    public int concurrency() {
        return properties.concurrency();
    }

    @Override
    public void fire(DurableTimers.Fired t) {
        UUID itemId = UUID.fromString(t.key());
        Optional<ProbeJobs.Job> found = jobs.find(itemId, false);
        if (found.isEmpty() || !found.get().state().equals("PENDING")) {
            tx.executeWithoutResult(s -> timers.complete(t));
            return;
        }
        ProbeJobs.Job job = found.get();
        boolean reprobe = job.kind().equals(ProbeJobs.REPROBE);
        if (!reprobe && job.tries() == 0) {
            tx.executeWithoutResult(s -> outbox.append(
                    new ItemStageStarted(job.runId(), itemId, job.attempt(), ItemStage.PROBING, clock.instant())));
        }
        long start = System.nanoTime();
        Prober.Outcome outcome;
        try {
            outcome = prober.probe(job.submitted(), box.open(job.submitted().apiKey()));
        } catch (RuntimeException e) {
            // a defect or an input the prober cannot handle: a final, explained failure, not an endless retry
            log.error("probe of item {} failed unexpectedly", itemId, e);
            outcome = new Prober.Failed(
                    dev.relay.contracts.FailureClass.INTERNAL,
                    "the probe failed unexpectedly (" + e.getClass().getSimpleName() + "); see probe-service's log",
                    null,
                    java.util.List.of(),
                    java.util.List.of(),
                    null,
                    null);
        }
        metrics.timer("relay_probe_duration", "outcome", outcome instanceof Prober.Probed ? "probed" : "failed")
                .record(Duration.ofNanos(System.nanoTime() - start));
        Prober.Outcome result = outcome;
        tx.executeWithoutResult(s -> {
            if (!record(t, job, result)) {
                s.setRollbackOnly(); // this run lost its lease meanwhile: another run owns the job now
            }
        });
    }

    /** Writes the outcome; false when this run's claim is stale (the caller rolls back: nothing is written twice). */
    private boolean record(DurableTimers.Fired t, ProbeJobs.Job ran, Prober.Outcome outcome) {
        Optional<ProbeJobs.Job> now = jobs.find(ran.itemId(), true);
        if (now.isEmpty()
                || !now.get().state().equals("PENDING")
                || now.get().attempt() != ran.attempt()
                || !now.get().kind().equals(ran.kind())) {
            timers.complete(t); // cancelled or superseded while the probe ran
            return true;
        }
        ProbeJobs.Job job = now.get();
        Instant at = clock.instant();
        if (job.kind().equals(ProbeJobs.REPROBE)) {
            ItemReprobed answer = switch (outcome) {
                case Prober.Probed p ->
                    new ItemReprobed(
                            job.runId(),
                            job.itemId(),
                            job.reconcileId(),
                            true,
                            p.result(),
                            null,
                            "the upstream passes again",
                            at);
                case Prober.Failed f ->
                    new ItemReprobed(
                            job.runId(),
                            job.itemId(),
                            job.reconcileId(),
                            false,
                            null,
                            f.classification(),
                            f.detail(),
                            at);
            };
            if (!timers.complete(t)) {
                return false;
            }
            outbox.append(answer);
            jobs.finish(
                    job,
                    true,
                    answer.passed() ? "PROBED" : answer.classification().name());
            return true;
        }
        switch (outcome) {
            case Prober.Probed p -> {
                if (!timers.complete(t)) {
                    return false;
                }
                outbox.append(new ItemProbed(job.runId(), job.itemId(), job.attempt(), p.result(), at));
                jobs.finish(job, true, "PROBED");
            }
            case Prober.Failed f -> {
                Optional<Duration> retry = policy.nextDelay(f.classification(), job.tries() + 1, f.retryAfterSeconds());
                Instant next = retry.map(at::plus).orElse(null);
                if (next == null ? !timers.complete(t) : !timers.reschedule(t, next, null)) {
                    return false;
                }
                outbox.append(new ItemProbeFailed(
                        job.runId(),
                        job.itemId(),
                        job.attempt(),
                        f.classification(),
                        f.detail(),
                        f.upstreamStatus(),
                        f.evidence(),
                        f.candidates(),
                        f.resolvedAddress(),
                        next,
                        at));
                if (next == null) {
                    jobs.finish(job, true, f.classification().name());
                } else {
                    jobs.finish(job, false, null);
                    log.info(
                            "probe of item {} failed ({}), retry {} at {}",
                            job.itemId(),
                            f.classification(),
                            job.tries() + 2,
                            next);
                }
            }
        }
        return true;
    }
}
