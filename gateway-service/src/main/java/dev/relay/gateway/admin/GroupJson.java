package dev.relay.gateway.admin;

import dev.relay.gateway.config.EntryStatus;
import dev.relay.gateway.config.GroupRecord;
import dev.relay.gateway.config.GroupSpec;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** Client group JSON. */
final class GroupJson {

    static final Set<String> WRITABLE = Set.of("name", "models", "status", "managedBy", "externalRef");
    static final Set<String> READ_ONLY = Set.of("id", "version", "createdAt", "updatedAt");

    private GroupJson() {}

    static GroupSpec spec(ObjectNode body, String pathId) {
        AdminJson.rejectUnknown(body, WRITABLE, READ_ONLY, "");
        IdCheck.matches(body, pathId);
        return new GroupSpec(
                AdminJson.string(body, "name"),
                AdminJson.strings(body, "models"),
                AdminJson.enumValue(body, "status", EntryStatus.class),
                AdminJson.string(body, "managedBy"),
                AdminJson.string(body, "externalRef"));
    }

    static GroupSpec patched(GroupRecord current, ObjectNode patch) {
        AdminJson.rejectUnknown(patch, WRITABLE, READ_ONLY, "");
        IdCheck.matches(patch, current.id());
        ObjectNode base = AdminJson.MAPPER.valueToTree(view(current));
        base.retain(WRITABLE);
        return spec((ObjectNode) AdminJson.mergePatch(base, patch), current.id());
    }

    record View(
            String id,
            String name,
            List<String> models,
            EntryStatus status,
            String managedBy,
            String externalRef,
            long version,
            Instant createdAt,
            Instant updatedAt) {}

    static View view(GroupRecord r) {
        GroupSpec s = r.spec();
        return new View(
                r.id(),
                s.name(),
                s.models(),
                s.status(),
                s.managedBy(),
                s.externalRef(),
                r.version(),
                r.createdAt(),
                r.updatedAt());
    }
}
