package dev.relay.gateway.admin;

import dev.relay.gateway.config.GroupRecord;
import dev.relay.gateway.config.GroupSpec;
import dev.relay.gateway.config.SpecJson;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** Client group JSON, through {@link SpecJson} (see {@link ChannelJson}). */
final class GroupJson {

    /** The response's own fields: accepted in a request and ignored. */
    static final Set<String> READ_ONLY = Set.of("id", "version", "createdAt", "updatedAt");

    private GroupJson() {}

    static GroupSpec spec(ObjectNode body, String pathId) {
        IdCheck.matches(body, pathId);
        return SpecJson.read(body, GroupSpec.class, SpecJson.Source.API, READ_ONLY);
    }

    static GroupSpec patched(GroupRecord current, ObjectNode patch) {
        AdminJson.rejectUnknown(patch, SpecJson.fields(GroupSpec.class), READ_ONLY, "");
        IdCheck.matches(patch, current.id());
        return spec((ObjectNode) AdminJson.mergePatch(SpecJson.write(current.spec()), patch), current.id());
    }

    static ObjectNode view(GroupRecord r) {
        ObjectNode o = AdminJson.MAPPER.createObjectNode();
        o.put("id", r.id());
        o.setAll(SpecJson.write(r.spec()));
        return AdminJson.putRowState(o, r.version(), r.createdAt(), r.updatedAt());
    }
}
