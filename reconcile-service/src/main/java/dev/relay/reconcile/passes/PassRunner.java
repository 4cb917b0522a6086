package dev.relay.reconcile.passes;

import dev.relay.contracts.DriftDetected;
import dev.relay.contracts.ItemReprobeRequested;
import dev.relay.contracts.ManagedResource;
import dev.relay.contracts.ManagedResource.ResourceKind;
import dev.relay.contracts.ReconcileCompleted;
import dev.relay.contracts.ResourceRepairRequested;
import dev.relay.contracts.SecretBox;
import dev.relay.contracts.edge.EdgeAdmin;
import dev.relay.contracts.edge.EdgeAdminException;
import dev.relay.contracts.edge.EdgeHost;
import dev.relay.outbox.DurableTimers;
import dev.relay.outbox.OutboxWriter;
import dev.relay.outbox.TimerHandler;
import dev.relay.reconcile.ReconcileProperties;
import dev.relay.reconcile.hosts.Hosts;
import dev.relay.reconcile.ledger.LedgerRow;
import dev.relay.reconcile.ledger.LedgerView;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Runs a pass (timer kind {@value #KIND}, keyed by the pass id, so any replica can run it and a restart loses none):
 * reads every Relay-owned channel, group and key of each host in scope through the admin API, compares them with the
 * ledger view ({@link Detector}), records the findings and emits {@code reconcile.drift-detected} for each. Where the
 * pass repairs (the request says so, or the run's policy is {@code repair}), missing and modified resources become
 * {@code resource.repair-requested} commands to access-service (the only writer of managed resources) and an
 * auto-disabled channel first an {@code item.reprobe-requested}; the pass then waits for the answers (up to
 * {@code relay.reconcile.repair-wait}) before it emits {@code reconcile.completed}. A host that does not answer fails
 * the attempt cleanly: the pass is retried with backoff, and fails for good after {@code max-attempts}.
 */
@Component
public class PassRunner implements TimerHandler {

    public static final String KIND = "pass";
    static final String DEADLINE = "deadline";

    private static final Logger log = LoggerFactory.getLogger(PassRunner.class);
    private static final ResourceKind[] ON_HOST = {ResourceKind.GROUP, ResourceKind.CHANNEL, ResourceKind.CLIENT_KEY};

    private final PassStore store;
    private final LedgerView ledger;
    private final Hosts hosts;
    private final DurableTimers timers;
    private final OutboxWriter outbox;
    private final TransactionTemplate tx;
    private final SecretBox box;
    private final HttpClient http;
    private final ReconcileProperties properties;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final AccessVerifier verifier;

    public PassRunner(
            PassStore store,
            LedgerView ledger,
            Hosts hosts,
            DurableTimers timers,
            OutboxWriter outbox,
            TransactionTemplate tx,
            SecretBox box,
            HttpClient http,
            ReconcileProperties properties,
            Clock clock,
            MeterRegistry metrics,
            AccessVerifier verifier) {
        this.verifier = verifier;
        this.store = store;
        this.ledger = ledger;
        this.hosts = hosts;
        this.timers = timers;
        this.outbox = outbox;
        this.tx = tx;
        this.box = box;
        this.http = http;
        this.properties = properties;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int concurrency() {
        return 2;
    }

    /** A host's answer could not be had; retryable unless the host refused the call itself (4xx). */
    private record HostFailure(String hostId, String message, boolean retryable) {}

    @Override
    public void fire(DurableTimers.Fired t) {
        UUID passId = UUID.fromString(t.key());
        Pass pass = store.find(passId, false).orElse(null);
        if (pass == null || pass.finished()) {
            tx.executeWithoutResult(s -> timers.complete(t));
            return;
        }
        if (DEADLINE.equals(t.payload())) {
            tx.executeWithoutResult(s -> {
                if (timers.complete(t)) {
                    finishRepairs(passId, true);
                }
            });
            return;
        }
        Instant started = clock.instant();
        int attempt = pass.attempts() + 1;
        tx.executeWithoutResult(s -> store.started(passId, attempt, started));

        List<String> hostIds = scopeHosts(pass.runId());
        List<Detector.Finding> findings = new ArrayList<>();
        List<String> findingHosts = new ArrayList<>();
        int checked = 0;
        int exhausted = 0;
        HostFailure failure = null;
        List<String> skipped = new ArrayList<>();
        for (String hostId : hostIds) {
            try {
                Detector.Result r = compareHost(hostId, pass.runId(), started);
                checked += r.checked();
                exhausted += r.exhaustedKeys();
                for (Detector.Finding f : r.findings()) {
                    findings.add(f);
                    findingHosts.add(hostId);
                }
            } catch (EdgeAdminException e) {
                boolean retryable = e.status() == 0 || e.status() >= 500 || e.status() == 429;
                if (!retryable) {
                    skipped.add(e.getMessage()); // the host refuses us (e.g. 401): retrying cannot help
                    continue;
                }
                failure = new HostFailure(hostId, e.getMessage(), true);
                break;
            } catch (HostUnknown e) {
                failure = new HostFailure(hostId, e.getMessage(), true);
                break;
            } catch (IllegalArgumentException e) {
                // the host's admin token does not open with this service's master key: a configuration error
                skipped.add("host " + hostId + " skipped: its admin token does not open with this service's master"
                        + " key (" + e.getMessage() + ")");
                continue;
            }
            if (properties.verifyAccess()) {
                try {
                    Set<UUID> alreadyBroken = new java.util.HashSet<>();
                    for (Detector.Finding f : findings) {
                        if (f.itemId() != null
                                && (f.kind() == DriftDetected.DriftKind.MISSING
                                        || f.kind() == DriftDetected.DriftKind.DISABLED)) {
                            alreadyBroken.add(f.itemId()); // its own finding says why; no second one
                        }
                    }
                    for (Detector.Finding f : verifyAccess(hostId, pass.runId(), alreadyBroken)) {
                        findings.add(f);
                        findingHosts.add(hostId);
                    }
                } catch (AccessVerifier.Unavailable e) {
                    failure = new HostFailure(hostId, e.getMessage(), true);
                    break;
                }
            }
        }
        if (failure == null && !skipped.isEmpty()) {
            String note = String.join("; ", skipped);
            log.warn("reconcile pass {}: {}", pass.id(), note);
            tx.executeWithoutResult(s -> store.note(pass.id(), note)); // kept as the pass's error when it completes
        }
        if (failure != null) {
            failed(t, pass, attempt, failure);
            return;
        }
        int checkedAll = checked;
        int exhaustedAll = exhausted;
        tx.executeWithoutResult(s -> {
            if (!recordFindings(t, pass, findings, findingHosts, checkedAll, exhaustedAll)) {
                s.setRollbackOnly();
            }
        });
        metrics.timer("relay_reconcile_pass_duration").record(Duration.between(started, clock.instant()));
    }

    private List<String> scopeHosts(UUID runId) {
        if (runId != null) {
            return ledger.hosts(runId);
        }
        Set<String> all = new LinkedHashSet<>(hosts.ids());
        all.addAll(ledger.hosts(null));
        return new ArrayList<>(all);
    }

    static final class HostUnknown extends RuntimeException {
        HostUnknown(String hostId) {
            super("host " + hostId + " is not known to reconcile-service (yet)");
        }
    }

    private Detector.Result compareHost(String hostId, UUID runId, Instant now) {
        EdgeHost host = hosts.find(hostId).orElseThrow(() -> new HostUnknown(hostId));
        EdgeAdmin admin = new EdgeAdmin(host, box, http, properties.adminTimeout());
        Map<ResourceKind, List<JsonNode>> live = new EnumMap<>(ResourceKind.class);
        for (ResourceKind k : ON_HOST) {
            // a run's pass reads only that run's resources (the prefix of every ref access-service gives them)
            live.put(
                    k,
                    runId == null
                            ? admin.listManaged(Detector.adminKind(k), properties.managedBy())
                            : admin.listManaged(
                                    Detector.adminKind(k), properties.managedBy(), Detector.runPrefix(runId)));
        }
        List<LedgerRow> rows = ledger.rows(hostId, runId);
        return Detector.compare(rows, ledger.refs(hostId), live, runId, now, properties.orphanGrace());
    }

    /**
     * Re-verification: each ready item in scope on the host (a pass over every run: the {@code verify-per-pass}
     * verified longest ago) is asked through the edge again (by access-service, the
     * holder of the run's key), pinned to each of its channels as the confirmation window does; a failure is drift
     * {@code ACCESS_BROKEN} with the window's evidence and classification. Reported, never repaired automatically.
     */
    private List<Detector.Finding> verifyAccess(String hostId, UUID runId, Set<UUID> skip) {
        List<Detector.Finding> out = new ArrayList<>();
        for (LedgerView.ReadyItem ready : ledger.readyItems(hostId, runId, properties.verifyPerPass())) {
            if (skip.contains(ready.itemId())) {
                continue;
            }
            JsonNode v = verifier.verify(ready.itemId()).orElse(null);
            if (v != null) {
                ledger.verified(ready.itemId(), clock.instant());
            }
            if (v == null || v.path("ok").asBoolean()) {
                continue;
            }
            LedgerRow channel = ledger.rows(hostId, ready.runId()).stream()
                    .filter(r -> ready.itemId().equals(r.itemId()))
                    .filter(r -> !v.path("channelId").isString()
                            || r.resourceId().equals(v.path("channelId").asString()))
                    .findFirst()
                    .orElse(null);
            if (channel == null) {
                continue; // rolled back meanwhile
            }
            tools.jackson.databind.node.ObjectNode ev =
                    tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            ev.put("classification", v.path("classification").asString(""));
            ev.set("edgeStatus", v.path("edgeStatus"));
            ev.set("edgeEvidence", v.path("edgeEvidence"));
            ev.set("directEvidence", v.path("directEvidence"));
            out.add(new Detector.Finding(
                    dev.relay.contracts.DriftDetected.DriftKind.ACCESS_BROKEN,
                    channel.kind(),
                    channel.resourceId(),
                    channel.externalRef(),
                    channel.specHash(),
                    ready.runId(),
                    ready.itemId(),
                    "the run's key no longer works through the edge on this item's channel ("
                            + v.path("classification").asString("unclassified") + "): "
                            + v.path("detail").asString(""),
                    ev,
                    Detector.Repair.NOT_ALLOWED,
                    channel));
        }
        return out;
    }

    private void failed(DurableTimers.Fired t, Pass pass, int attempt, HostFailure f) {
        Instant now = clock.instant();
        boolean retry = f.retryable() && attempt < properties.maxAttempts();
        tx.executeWithoutResult(s -> {
            if (retry) {
                Instant next = now.plus(backoff(attempt));
                if (!timers.reschedule(t, next, null)) {
                    s.setRollbackOnly();
                    return;
                }
                store.retrying(
                        pass.id(),
                        f.message() + "; attempt " + attempt + " of " + properties.maxAttempts() + ", next at " + next);
                log.info(
                        "reconcile pass {} could not read host {} (attempt {}): {}; retry at {}",
                        pass.id(),
                        f.hostId(),
                        attempt,
                        f.message(),
                        next);
                return;
            }
            if (!timers.complete(t)) {
                s.setRollbackOnly();
                return;
            }
            store.finish(pass.id(), "failed", "FAILED", 0, f.message() + " (attempt " + attempt + ", given up)", now);
            outbox.append(new ReconcileCompleted(
                    pass.id(),
                    pass.runId(),
                    ReconcileCompleted.ReconcileStatus.FAILED,
                    0,
                    0,
                    0,
                    pass.requestedAt(),
                    now));
            log.warn("reconcile pass {} failed for good: {}", pass.id(), f.message());
        });
        metrics.counter("relay_reconcile_pass_failures", "retry", String.valueOf(retry))
                .increment();
    }

    static Duration backoff(int attempt) {
        long s = Math.min(300, 5L << Math.min(attempt - 1, 6));
        return Duration.ofSeconds(s);
    }

    private boolean recordFindings(
            DurableTimers.Fired t,
            Pass pass,
            List<Detector.Finding> findings,
            List<String> findingHosts,
            int checked,
            int exhausted) {
        Instant now = clock.instant();
        int open = 0;
        for (int i = 0; i < findings.size(); i++) {
            Detector.Finding f = findings.get(i);
            String hostId = findingHosts.get(i);
            boolean repairs = pass.repair() != null ? pass.repair() : store.repairs(f.runId());
            String repair;
            String repairDetail = null;
            ManagedResource resource = f.row() != null
                    ? f.row().asManaged()
                    : new ManagedResource(
                            hostId,
                            f.resourceKind(),
                            f.resourceId(),
                            f.externalRef(),
                            f.evidence().path("hostSpecHash").asString(""));
            if (f.repair() == Detector.Repair.NOT_ALLOWED) {
                repair = "not_allowed";
                repairDetail = switch (f.kind()) {
                    case ORPHANED -> "orphans are reported, never deleted automatically";
                    case ACCESS_BROKEN -> "reported: fix the upstream (or its key) or roll the item back";
                    default -> "an operator disabled it: only an operator enables it again";
                };
            } else if (!repairs) {
                repair = "none";
                repairDetail = "report only (the run's policy)";
            } else if (f.repair() == Detector.Repair.REPROBE_THEN_ENABLE) {
                repair = "reprobing";
                outbox.append(new ItemReprobeRequested(f.runId(), f.itemId(), pass.id(), now));
                open++;
            } else {
                repair = "requested";
                outbox.append(new ResourceRepairRequested(pass.id(), f.runId(), f.itemId(), resource, f.kind(), now));
                open++;
            }
            store.addFinding(pass.id(), i + 1, UUID.randomUUID(), hostId, f, repair, repairDetail, now);
            outbox.append(
                    new DriftDetected(pass.id(), f.runId(), f.itemId(), resource, f.kind(), f.detail(), false, now));
            metrics.counter("relay_reconcile_findings", "kind", f.kind().name()).increment();
        }
        store.detected(pass.id(), checked, findings.size(), exhausted, open > 0);
        if (open > 0) {
            // wait for access-service's (and probe-service's) answers, at most repair-wait
            return timers.reschedule(t, now.plus(properties.repairWait()), DEADLINE);
        }
        if (!timers.complete(t)) {
            return false;
        }
        complete(pass.id(), pass.runId(), pass.requestedAt(), checked, findings.size(), 0, findings.isEmpty());
        return true;
    }

    /**
     * In the caller's transaction: when no finding of a repairing pass waits for an answer any more (or the wait is
     * over: the rest count as failed), the pass completes.
     */
    void finishRepairs(UUID passId, boolean deadline) {
        Pass pass = store.find(passId, true).orElse(null);
        if (pass == null || !pass.state().equals("repairing")) {
            return;
        }
        Instant now = clock.instant();
        if (deadline) {
            for (String kind : new String[] {"requested", "reprobing"}) {
                // nothing answered in time: the finding stays drifted
                store.findings(passId, 0, Integer.MAX_VALUE).stream()
                        .filter(f -> f.repair().equals(kind))
                        .forEach(f -> store.repairState(
                                f.id(), "failed", "no answer within " + properties.repairWait(), now));
            }
        } else if (store.openFindings(passId) > 0) {
            return;
        } else {
            timers.cancel(KIND, passId.toString());
        }
        int repaired = store.repairCounts(passId).getOrDefault("repaired", 0);
        complete(passId, pass.runId(), pass.requestedAt(), pass.checked(), pass.drifted(), repaired, false);
    }

    private void complete(
            UUID passId, UUID runId, Instant requestedAt, int checked, int drifted, int repaired, boolean inSync) {
        Instant now = clock.instant();
        ReconcileCompleted.ReconcileStatus status = inSync
                ? ReconcileCompleted.ReconcileStatus.IN_SYNC
                : repaired == drifted
                        ? ReconcileCompleted.ReconcileStatus.REPAIRED
                        : ReconcileCompleted.ReconcileStatus.DRIFTED;
        store.finish(passId, "completed", status.name(), repaired, null, now);
        outbox.append(new ReconcileCompleted(passId, runId, status, checked, drifted, repaired, requestedAt, now));
        log.info(
                "reconcile pass {} ({}): {} checked, {} drifted, {} repaired",
                passId,
                runId == null ? "every run" : "run " + runId,
                checked,
                drifted,
                repaired);
    }
}
