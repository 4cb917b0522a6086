package dev.relay.gateway.admin;

import dev.relay.gateway.config.ConfigException;
import tools.jackson.databind.node.ObjectNode;

/** Ids are assigned by the gateway: a body may repeat the resource's own id, never another. */
final class IdCheck {

    private IdCheck() {}

    /** {@code pathId} null = a create, where no id may be given. */
    static void matches(ObjectNode body, String pathId) {
        String id = AdminJson.string(body, "id");
        if (id == null) {
            return;
        }
        if (pathId == null) {
            throw ConfigException.invalid("id", "id is assigned by the gateway; do not send one on create");
        }
        if (!id.equals(pathId)) {
            throw ConfigException.invalid("id", "id in the body does not match the id in the path");
        }
    }
}
