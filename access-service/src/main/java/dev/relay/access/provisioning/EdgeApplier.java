package dev.relay.access.provisioning;

import dev.relay.contracts.edge.EdgeAdmin;
import dev.relay.contracts.edge.EdgeAdminException;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies resource specs to a host so that doing it again changes nothing: creates are idempotent on {@code managedBy}
 * + {@code externalRef} (a crash between the admin call and the ledger write finds the resource on the next run); a
 * resource whose spec changed since (a retried item probed differently) is replaced; the run's group is widened under
 * {@code If-Match}, so items of one run provisioning at once never lose each other's models.
 *
 * <p>The run's group and key are shared by all its items: what this process applied for a run is reused by the run's
 * next items for {@link #REUSE} (a group only while it already holds their models, a key only with the same spec), so
 * a thousand-item run does not ask the host a thousand times for the same two resources. Any failure of an item
 * forgets the run's entries ({@link #forget}); drift after that is reconcile's to find.
 */
final class EdgeApplier {

    private static final int GROUP_RACE_ATTEMPTS = 12;

    static final Duration REUSE = Duration.ofSeconds(30);

    private final String managedBy;

    /** A run-level resource this process applied lately, by host + kind + externalRef. */
    private record Recent(EdgeAdmin.Applied applied, Set<String> models, String spec, long at) {}

    private final ConcurrentHashMap<String, Recent> recent = new ConcurrentHashMap<>();

    EdgeApplier(String managedBy) {
        this.managedBy = managedBy;
    }

    private static String memoKey(EdgeAdmin admin, String kind, String ref) {
        return admin.host().id() + "|" + kind + "|" + ref;
    }

    private Recent fresh(String key) {
        Recent r = recent.get(key);
        if (r == null || System.nanoTime() - r.at() > REUSE.toNanos()) {
            return null;
        }
        return r;
    }

    private void remember(String key, EdgeAdmin.Applied applied, Set<String> models, String spec) {
        if (recent.size() > 10_000) {
            long now = System.nanoTime();
            recent.values().removeIf(r -> now - r.at() > REUSE.toNanos());
        }
        recent.put(key, new Recent(applied, models, spec, System.nanoTime()));
    }

    /** Forgets what was applied for the run's shared resources on the host: the next item asks the host again. */
    void forget(EdgeAdmin admin, UUID runId) {
        recent.remove(memoKey(admin, "groups", ResourceSpecs.groupRef(runId)));
        recent.remove(memoKey(admin, "keys", ResourceSpecs.keyRef(runId)));
    }

    /** The run's group, holding at least {@code models}. */
    EdgeAdmin.Applied group(EdgeAdmin admin, UUID runId, Set<String> models) {
        String ref = ResourceSpecs.groupRef(runId);
        String memo = memoKey(admin, "groups", ref);
        Recent known = fresh(memo);
        if (known != null && known.models().containsAll(models)) {
            return known.applied();
        }
        EdgeAdmin.Applied applied = applyGroup(admin, runId, models, ref);
        TreeSet<String> have = new TreeSet<>();
        applied.resource().path("models").forEach(m -> have.add(m.asString()));
        remember(memo, applied, have, null);
        return applied;
    }

    private EdgeAdmin.Applied applyGroup(EdgeAdmin admin, UUID runId, Set<String> models, String ref) {
        EdgeAdminException last = null;
        for (int i = 0; i < GROUP_RACE_ATTEMPTS; i++) {
            var existing = admin.findByRef("groups", managedBy, ref);
            if (existing.isEmpty()) {
                try {
                    return admin.create("groups", ResourceSpecs.group(runId, models, managedBy));
                } catch (EdgeAdminException e) {
                    if (e.status() != 409) {
                        throw e;
                    }
                    last = e; // another item of the run created it first, with its models: widen it
                    continue;
                }
            }
            JsonNode g = existing.get();
            TreeSet<String> have = new TreeSet<>();
            g.path("models").forEach(m -> have.add(m.asString()));
            if (have.containsAll(models) && !"DISABLED".equals(g.path("status").asString())) {
                return new EdgeAdmin.Applied(g, 0, true);
            }
            have.addAll(models);
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            patch.set("models", ResourceSpecs.group(runId, have, managedBy).get("models"));
            try {
                return admin.patch(
                        "groups",
                        g.path("id").asString(),
                        patch,
                        g.path("version").asLong());
            } catch (EdgeAdminException e) {
                if (e.status() != 412) {
                    throw e;
                }
                last = e; // changed meanwhile (another item widened it): read again
            }
        }
        throw new EdgeAdminException(
                409, "group_race", "the run's group kept changing under provisioning; will retry", last);
    }

    /** The run's key as {@code body} says, reused while this process applied the same spec lately. */
    EdgeAdmin.Applied runKey(EdgeAdmin admin, ObjectNode body) {
        String memo = memoKey(admin, "keys", body.path("externalRef").asString());
        String spec = body.toString();
        Recent known = fresh(memo);
        if (known != null && spec.equals(known.spec())) {
            return known.applied();
        }
        EdgeAdmin.Applied applied = resource(admin, "keys", body);
        remember(memo, applied, Set.of(), spec);
        return applied;
    }

    /** A channel or key as {@code body} says: created, or replaced when it exists with other material fields. */
    EdgeAdmin.Applied resource(EdgeAdmin admin, String kind, ObjectNode body) {
        try {
            return admin.create(kind, body);
        } catch (EdgeAdminException e) {
            if (e.status() != 409 || !"idempotency_conflict".equals(e.code()) || kind.equals("keys")) {
                throw e;
            }
        }
        JsonNode existing = admin.findByRef(
                        kind, managedBy, body.path("externalRef").asString())
                .orElseThrow(() -> new EdgeAdminException(
                        409, "idempotency_conflict", "the host reports a conflict but holds no such " + kind, null));
        return admin.replace(kind, existing.path("id").asString(), body);
    }
}
