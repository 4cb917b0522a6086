package dev.relay.access.provisioning;

import dev.relay.access.AccessProperties;
import dev.relay.access.accounting.RunAccessGrants;
import dev.relay.access.edge.EdgeAdmins;
import dev.relay.access.items.AccessItems;
import dev.relay.access.items.AccessItems.Item;
import dev.relay.access.items.AccessItems.Stage;
import dev.relay.access.items.ItemTimers;
import dev.relay.access.items.ResourceLedger;
import dev.relay.contracts.ApiBase;
import dev.relay.contracts.EventCodec;
import dev.relay.contracts.FailureClass;
import dev.relay.contracts.ItemProvisionFailed;
import dev.relay.contracts.ItemProvisioned;
import dev.relay.contracts.ItemStage;
import dev.relay.contracts.ItemStageStarted;
import dev.relay.contracts.ManagedResource;
import dev.relay.contracts.ManagedResource.ResourceKind;
import dev.relay.contracts.SecretBox;
import dev.relay.contracts.SpecHash;
import dev.relay.contracts.edge.EdgeAdmin;
import dev.relay.contracts.edge.EdgeAdminException;
import dev.relay.outbox.DurableTimers;
import dev.relay.outbox.OutboxWriter;
import dev.relay.outbox.TimerHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a due provisioning (timer kind {@value #KIND}): applies the item's channels, the run's group and the run's
 * key to the item's host through its admin API (outside any transaction: each call is idempotent), then in one
 * transaction records every resource in the ledger, gives the run's consumer its access, writes {@code
 * item.provisioned} and opens the confirmation window. A host that does not answer (or answers 5xx) is retried with
 * backoff; a host that refuses the spec fails the item. Killed mid-way, the timer's lease expires and the run starts
 * again: the creates find what exists, so nothing is created twice.
 */
@Component
public class Provisioner implements TimerHandler {

    public static final String KIND = ItemTimers.PROVISION;

    private static final Logger log = LoggerFactory.getLogger(Provisioner.class);

    private final AccessItems items;
    private final ResourceLedger ledger;
    private final EdgeAdmins admins;
    private final RunAccessGrants grants;
    private final DurableTimers timers;
    private final OutboxWriter outbox;
    private final TransactionTemplate tx;
    private final SecretBox box;
    private final AccessProperties properties;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final EdgeApplier applier;

    public Provisioner(
            AccessItems items,
            ResourceLedger ledger,
            EdgeAdmins admins,
            RunAccessGrants grants,
            DurableTimers timers,
            OutboxWriter outbox,
            TransactionTemplate tx,
            SecretBox box,
            AccessProperties properties,
            Clock clock,
            MeterRegistry metrics) {
        this.items = items;
        this.ledger = ledger;
        this.admins = admins;
        this.grants = grants;
        this.timers = timers;
        this.outbox = outbox;
        this.tx = tx;
        this.box = box;
        this.properties = properties;
        this.clock = clock;
        this.metrics = metrics;
        this.applier = new EdgeApplier(properties.managedBy());
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int concurrency() {
        return properties.provisionConcurrency();
    }

    /** What one run applied on the host, before it is recorded. */
    private record AppliedResource(ResourceKind type, UUID itemId, ObjectNode spec, EdgeAdmin.Applied applied) {}

    @Override
    public void fire(DurableTimers.Fired t) {
        UUID itemId = UUID.fromString(t.key());
        Optional<Item> found = items.find(itemId, false);
        if (found.isEmpty() || found.get().stage() != Stage.PROVISIONING) {
            tx.executeWithoutResult(s -> timers.complete(t));
            return;
        }
        Item item = found.get();
        if (item.tries() == 0 && t.attempts() == 0) {
            tx.executeWithoutResult(s -> outbox.append(new ItemStageStarted(
                    item.runId(), itemId, item.attempt(), ItemStage.PROVISIONING, clock.instant())));
        }
        var access = item.submitted().access();
        if (access.mode() == dev.relay.contracts.AccessMode.SUBSCRIPTION
                && access.expiresAt() != null
                && !access.expiresAt().isAfter(clock.instant())) {
            // nothing to hand out: fail before creating anything, for good
            EdgeAdminException expired = new EdgeAdminException(
                    400,
                    "subscription_expired",
                    "the run's subscription expired (" + access.expiresAt() + ") before the item was provisioned",
                    null);
            tx.executeWithoutResult(s -> {
                if (!failed(t, item, expired)) {
                    s.setRollbackOnly();
                }
            });
            return;
        }
        long start = System.nanoTime();
        List<AppliedResource> applied = new ArrayList<>();
        try {
            apply(item, applied);
        } catch (IllegalArgumentException e) {
            // a sealed secret that does not open with this master key (sealed under another one): no retry can help
            log.warn("provisioning item {} cannot open its secrets: {}", itemId, e.getMessage());
            EdgeAdminException unopenable = new EdgeAdminException(
                    400,
                    "secret_unopenable",
                    "a sealed secret of the item or its host does not open with this"
                            + " service's master key (RELAY_MASTER_KEY differs from the one that sealed it)",
                    e);
            tx.executeWithoutResult(s -> {
                if (!failed(t, item, unopenable)) {
                    s.setRollbackOnly();
                }
            });
            return;
        } catch (EdgeAdminException e) {
            metrics.counter("relay_access_provision_failures", "retryable", String.valueOf(e.retryable()))
                    .increment();
            tx.executeWithoutResult(s -> {
                if (!failed(t, item, e)) {
                    s.setRollbackOnly();
                }
            });
            return;
        }
        metrics.timer("relay_access_provision_duration").record(Duration.ofNanos(System.nanoTime() - start));
        tx.executeWithoutResult(s -> {
            if (!record(t, item, applied)) {
                s.setRollbackOnly();
            }
        });
    }

    private void apply(Item item, List<AppliedResource> applied) {
        EdgeAdmin admin = admins.forHost(item.hostId());
        try {
            applyTo(admin, item, applied);
        } catch (RuntimeException e) {
            applier.forget(admin, item.runId()); // the run's next item asks the host again
            throw e;
        }
    }

    private void applyTo(EdgeAdmin admin, Item item, List<AppliedResource> applied) {
        var s = item.submitted();
        var r = item.probe();
        EdgeAdmin.Applied group = applier.group(admin, item.runId(), ResourceSpecs.publicModels(r));
        String groupId = group.id();
        // recorded as the host holds it (with the models other items of the run added), so spec and hash agree
        java.util.TreeSet<String> groupModels = new java.util.TreeSet<>();
        group.resource().path("models").forEach(m -> groupModels.add(m.asString()));
        applied.add(new AppliedResource(
                ResourceKind.GROUP,
                null,
                ResourceSpecs.group(item.runId(), groupModels, properties.managedBy()),
                group));
        String upstreamKey = box.open(s.apiKey());
        for (ApiBase base : r.apiBases()) {
            ObjectNode spec = ResourceSpecs.channel(s, r, base, groupId, upstreamKey, properties.managedBy());
            applied.add(new AppliedResource(
                    ResourceKind.CHANNEL, item.itemId(), spec, applier.resource(admin, "channels", spec)));
        }
        ObjectNode key =
                ResourceSpecs.key(item.runId(), groupId, box.open(s.access().clientKey()), properties.managedBy());
        applied.add(new AppliedResource(ResourceKind.CLIENT_KEY, null, key, applier.runKey(admin, key)));
    }

    /** Records what was applied; false when this run's claim is stale (the caller rolls back). */
    private boolean record(DurableTimers.Fired t, Item ran, List<AppliedResource> applied) {
        Item now = items.find(ran.itemId(), true).orElse(null);
        if (now == null) {
            timers.complete(t);
            return true;
        }
        if (!timers.complete(t)) {
            return false;
        }
        Instant at = clock.instant();
        var s = ran.submitted();
        List<ManagedResource> resources = new ArrayList<>();
        Map<String, String> channelIds = new LinkedHashMap<>();
        String groupId = null;
        String keyId = null;
        long version = 0;
        for (AppliedResource a : applied) {
            // the resources exist on the host whatever happened to the item meanwhile: the ledger records the truth
            ObjectNode spec = ResourceSpecs.withoutSecrets(a.spec());
            if (a.type() == ResourceKind.CHANNEL) {
                spec.set("sealedCredential", EventCodec.mapper().valueToTree(s.apiKey()));
                channelIds.put(a.spec().path("protocol").asString(), a.applied().id());
            } else if (a.type() == ResourceKind.CLIENT_KEY) {
                spec.set("sealedKey", EventCodec.mapper().valueToTree(s.access().clientKey()));
                keyId = a.applied().id();
            } else {
                groupId = a.applied().id();
            }
            ResourceLedger.Entry e = ledger.record(
                    ran.hostId(),
                    a.type(),
                    a.applied().id(),
                    a.spec().path("externalRef").asString(),
                    ran.runId(),
                    a.itemId(),
                    spec.toString(),
                    SpecHash.of(a.applied().resource()),
                    at);
            resources.add(e.asManaged());
            version = Math.max(version, a.applied().configVersion());
        }
        if (now.stage() == Stage.ROLLING_BACK) {
            // a rollback was asked while this ran: it now has these resources to remove too
            timers.schedule(ItemTimers.ROLLBACK, ran.itemId().toString(), at, null);
            return true;
        }
        if (now.stage() != Stage.PROVISIONING || now.attempt() != ran.attempt()) {
            return true; // cancelled or superseded while this ran
        }
        grants.grant(ran.runId(), ran.hostId(), groupId, keyId, s.access());
        items.provisioned(ran.itemId(), channelIds, groupId, keyId, version, at);
        String firstChannel = channelIds.values().stream().findFirst().orElse(null);
        outbox.append(new ItemProvisioned(
                ran.runId(),
                ran.itemId(),
                ran.attempt(),
                firstChannel,
                groupId,
                keyId,
                ran.probe().smokeModel(),
                resources,
                // after the ledger rows were locked and written: a later event of the run holds the later group
                clock.instant()));
        timers.schedule(ItemTimers.CONFIRM, ran.itemId().toString(), at, null);
        return true;
    }

    /** A failed run: retried with backoff while the host may recover, otherwise final. */
    private boolean failed(DurableTimers.Fired t, Item ran, EdgeAdminException e) {
        Item now = items.find(ran.itemId(), true).orElse(null);
        if (now == null || now.stage() != Stage.PROVISIONING || now.attempt() != ran.attempt()) {
            timers.complete(t);
            return true;
        }
        Instant at = clock.instant();
        int tries = now.tries() + 1;
        boolean retry = e.retryable() && tries < properties.provisionMaxAttempts();
        FailureClass cls = e.retryable() ? FailureClass.INTERNAL : FailureClass.INVALID_INPUT;
        if (retry) {
            Instant next = at.plus(backoff(tries));
            if (!timers.reschedule(t, next, null)) {
                return false;
            }
            items.tried(ran.itemId(), tries, at);
            outbox.append(
                    new ItemProvisionFailed(ran.runId(), ran.itemId(), ran.attempt(), cls, e.getMessage(), next, at));
            log.info("provisioning item {} failed ({}), retry {} at {}", ran.itemId(), e.getMessage(), tries, next);
            return true;
        }
        if (!timers.complete(t)) {
            return false;
        }
        ObjectNode completion = EventCodec.mapper().createObjectNode();
        completion.put("ok", false);
        completion.put("status", e.status());
        completion.put("type", cls.name());
        completion.put("preview", e.getMessage());
        items.completed(ran.itemId(), Stage.FAILED, completion.toString(), at);
        outbox.append(new ItemProvisionFailed(ran.runId(), ran.itemId(), ran.attempt(), cls, e.getMessage(), null, at));
        log.warn("provisioning item {} failed for good: {}", ran.itemId(), e.getMessage());
        return true;
    }

    static Duration backoff(int tries) {
        long ms = Math.min(30_000, 1_000L << Math.min(tries - 1, 5));
        return Duration.ofMillis(ms);
    }
}
