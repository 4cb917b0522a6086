package dev.relay.access.repair;

import dev.relay.access.edge.EdgeAdmins;
import dev.relay.access.items.AccessItems;
import dev.relay.access.items.ResourceLedger;
import dev.relay.contracts.DriftDetected.DriftKind;
import dev.relay.contracts.EventCodec;
import dev.relay.contracts.FailureClass;
import dev.relay.contracts.ManagedResource;
import dev.relay.contracts.ManagedResource.ResourceKind;
import dev.relay.contracts.ResourceRepairFailed;
import dev.relay.contracts.ResourceRepairRequested;
import dev.relay.contracts.ResourceRepaired;
import dev.relay.contracts.SealedSecret;
import dev.relay.contracts.SecretBox;
import dev.relay.contracts.SpecHash;
import dev.relay.contracts.edge.EdgeAdmin;
import dev.relay.contracts.edge.EdgeAdminException;
import dev.relay.outbox.DurableTimers;
import dev.relay.outbox.OutboxWriter;
import dev.relay.outbox.TimerHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Repairs on reconcile-service's request ({@code resource.repair-requested}, timer kind {@value #KIND}), answering
 * {@code resource.repaired} with the resource as it now is (its host id may be new) or {@code resource.repair-failed}.
 * Only what the ledger holds is repaired, and only from the spec the ledger recorded: a missing resource is created
 * again (its references to the run's group follow the group's current host id), a modified one is replaced, a
 * disabled one is enabled. A host that does not answer is retried with backoff; anything else is answered at once.
 */
@Component
public class Repairs implements TimerHandler {

    public static final String KIND = "repair";
    static final int MAX_TRIES = 6;

    private static final Logger log = LoggerFactory.getLogger(Repairs.class);

    private final ResourceLedger ledger;
    private final AccessItems items;
    private final EdgeAdmins admins;
    private final DurableTimers timers;
    private final OutboxWriter outbox;
    private final TransactionTemplate tx;
    private final SecretBox box;
    private final Clock clock;

    public Repairs(
            ResourceLedger ledger,
            AccessItems items,
            EdgeAdmins admins,
            DurableTimers timers,
            OutboxWriter outbox,
            TransactionTemplate tx,
            SecretBox box,
            Clock clock) {
        this.ledger = ledger;
        this.items = items;
        this.admins = admins;
        this.timers = timers;
        this.outbox = outbox;
        this.tx = tx;
        this.box = box;
        this.clock = clock;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** In the listener's transaction: the request becomes a durable timer, due now. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void requested(ResourceRepairRequested e) {
        timers.schedule(
                KIND,
                e.reconcileId() + "/" + dev.relay.contracts.ResourceKeys.of(e.resource()),
                clock.instant(),
                EventCodec.mapper().writeValueAsString(e));
    }

    @Override
    public void fire(DurableTimers.Fired t) {
        ResourceRepairRequested e = EventCodec.mapper().readValue(t.payload(), ResourceRepairRequested.class);
        ManagedResource r = e.resource();
        Optional<ResourceLedger.Entry> found = ledger.byRef(r.hostId(), r.kind(), r.externalRef());
        if (found.isEmpty()) {
            answerFailed(t, e, FailureClass.INVALID_INPUT, "not in the ledger: Relay repairs only what it created");
            return;
        }
        ResourceLedger.Entry entry = found.get();
        EdgeAdmin.Applied applied;
        try {
            EdgeAdmin admin = admins.forHost(entry.hostId());
            applied = apply(admin, entry, e.kind());
        } catch (EdgeAdminException ex) {
            if (ex.retryable() && t.attempts() + 1 < MAX_TRIES) {
                Duration wait = Duration.ofSeconds(Math.min(60, 1L << Math.min(t.attempts() + 1, 6)));
                tx.executeWithoutResult(
                        s -> timers.reschedule(t, clock.instant().plus(wait), t.payload()));
                return;
            }
            answerFailed(t, e, ex.retryable() ? FailureClass.UNREACHABLE : FailureClass.INVALID_INPUT, ex.getMessage());
            return;
        }
        Instant at = clock.instant();
        tx.executeWithoutResult(s -> {
            if (!timers.complete(t)) {
                s.setRollbackOnly();
                return;
            }
            ResourceLedger.Entry now = ledger.record(
                    entry.hostId(),
                    entry.type(),
                    applied.id(),
                    entry.externalRef(),
                    entry.runId(),
                    entry.itemId(),
                    entry.spec(),
                    SpecHash.of(applied.resource()),
                    at);
            items.resourceMoved(entry.hostId(), entry.type(), entry.hostResourceId(), applied.id());
            outbox.append(new ResourceRepaired(e.reconcileId(), e.runId(), e.itemId(), r, now.asManaged(), at));
        });
        log.info("repaired {} {} ({})", entry.type(), entry.externalRef(), e.kind());
    }

    private EdgeAdmin.Applied apply(EdgeAdmin admin, ResourceLedger.Entry entry, DriftKind kind) {
        String adminKind = adminKind(entry.type());
        if (kind == DriftKind.DISABLED) {
            return admin.action(adminKind, entry.hostResourceId(), "enable", null);
        }
        ObjectNode spec = (ObjectNode) EventCodec.mapper().readTree(entry.spec());
        ObjectNode body = spec.deepCopy();
        body.remove("sealedCredential");
        body.remove("sealedKey");
        if (spec.has("sealedCredential")) {
            body.put("credential", box.open(sealed(spec, "sealedCredential")));
        }
        if (spec.has("sealedKey")) {
            body.put("key", box.open(sealed(spec, "sealedKey")));
        }
        // references to the run's group follow the group's current host id (it may have been re-created itself)
        ledger.runLevel(entry.runId()).stream()
                .filter(g -> g.type() == ResourceKind.GROUP)
                .findFirst()
                .ifPresent(g -> {
                    if (body.has("groups")) {
                        body.putArray("groups").add(g.hostResourceId());
                    }
                    if (body.has("groupId")) {
                        body.put("groupId", g.hostResourceId());
                    }
                });
        Optional<tools.jackson.databind.JsonNode> live = admin.get(adminKind, entry.hostResourceId());
        if (live.isEmpty()) {
            return admin.create(adminKind, body); // idempotent on managedBy + externalRef
        }
        body.remove("key"); // key material is immutable; a modified key keeps its material
        return admin.replace(adminKind, entry.hostResourceId(), body);
    }

    private static SealedSecret sealed(ObjectNode spec, String field) {
        return EventCodec.mapper().treeToValue(spec.get(field), SealedSecret.class);
    }

    private void answerFailed(DurableTimers.Fired t, ResourceRepairRequested e, FailureClass cls, String detail) {
        Instant at = clock.instant();
        tx.executeWithoutResult(s -> {
            if (!timers.complete(t)) {
                s.setRollbackOnly();
                return;
            }
            outbox.append(
                    new ResourceRepairFailed(e.reconcileId(), e.runId(), e.itemId(), e.resource(), cls, detail, at));
        });
        log.warn("repair of {} failed: {}", e.resource().externalRef(), detail);
    }

    /** The admin API's path segment for a ledger resource type (rollback and repair both address resources by it). */
    public static String adminKind(ResourceKind k) {
        return switch (k) {
            case CHANNEL -> "channels";
            case GROUP -> "groups";
            case CLIENT_KEY -> "keys";
            default -> throw new IllegalArgumentException("not an edge resource: " + k);
        };
    }
}
