package dev.relay.access.provisioning;

import dev.relay.access.edge.EdgeAdmin;
import dev.relay.access.edge.EdgeAdminException;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies resource specs to a host so that doing it again changes nothing: creates are idempotent on {@code managedBy}
 * + {@code externalRef} (a crash between the admin call and the ledger write finds the resource on the next run); a
 * resource whose spec changed since (a retried item probed differently) is replaced; the run's group is widened under
 * {@code If-Match}, so items of one run provisioning at once never lose each other's models.
 */
final class EdgeApplier {

    private static final int GROUP_RACE_ATTEMPTS = 12;

    private final String managedBy;

    EdgeApplier(String managedBy) {
        this.managedBy = managedBy;
    }

    /** The run's group, holding at least {@code models}. */
    EdgeAdmin.Applied group(EdgeAdmin admin, UUID runId, Set<String> models) {
        String ref = ResourceSpecs.groupRef(runId);
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
