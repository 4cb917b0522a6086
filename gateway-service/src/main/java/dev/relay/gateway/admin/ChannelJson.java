package dev.relay.gateway.admin;

import dev.relay.gateway.config.ChannelRecord;
import dev.relay.gateway.config.ChannelSpec;
import dev.relay.gateway.config.ConfigException;
import dev.relay.gateway.config.SpecJson;
import dev.relay.gateway.routing.ChannelRoute;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * Channel JSON: a request body read into a {@link ChannelSpec} and the response view, both through {@link SpecJson}
 * (one field per component of the spec record), plus the fields only a response carries.
 */
final class ChannelJson {

    /** The response's own fields: accepted in a request (so a GET body can be sent back) and ignored. */
    static final Set<String> READ_ONLY =
            Set.of("id", "apiBase", "credentialFingerprint", "version", "createdAt", "updatedAt");

    private ChannelJson() {}

    /**
     * A full channel from a create or replace body; absent (or null) optional fields take their defaults. On replace
     * an absent credential keeps the stored one.
     */
    static ChannelSpec spec(ObjectNode body, String pathId) {
        IdCheck.matches(body, pathId);
        return SpecJson.read(body, ChannelSpec.class, SpecJson.Source.API, READ_ONLY);
    }

    /** A JSON Merge Patch applied to the stored channel (whose credential, write-only, an absent one keeps). */
    static ChannelSpec patched(ChannelRecord current, ObjectNode patch) {
        AdminJson.rejectUnknown(patch, SpecJson.fields(ChannelSpec.class), READ_ONLY, "");
        IdCheck.matches(patch, current.id());
        return spec((ObjectNode) AdminJson.mergePatch(SpecJson.write(current.spec()), patch), current.id());
    }

    /** What the API returns: never the credential, only its fingerprint. */
    static ObjectNode view(ChannelRecord r) {
        ObjectNode o = AdminJson.MAPPER.createObjectNode();
        o.put("id", r.id());
        o.setAll(SpecJson.write(r.spec()));
        o.put("apiBase", ChannelRoute.normaliseApiBase(r.spec().baseUrl()).toString());
        o.put("credentialFingerprint", r.credentialFingerprint());
        return AdminJson.putRowState(o, r.version(), r.createdAt(), r.updatedAt());
    }

    /** Optional body of {@code POST /channels/{id}/disable}: {@code {"reason": "..."}}. */
    static String disableReason(ObjectNode body) {
        AdminJson.rejectUnknown(body, Set.of("reason"), Set.of(), "");
        String reason = AdminJson.string(body, "reason");
        if (reason != null && reason.length() > 1000) {
            throw ConfigException.invalid("reason", "reason must be at most 1000 characters");
        }
        return reason;
    }
}
