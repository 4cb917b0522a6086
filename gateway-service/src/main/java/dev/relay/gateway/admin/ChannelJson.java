package dev.relay.gateway.admin;

import dev.relay.contracts.Protocol;
import dev.relay.gateway.config.ChannelRecord;
import dev.relay.gateway.config.ChannelSpec;
import dev.relay.gateway.config.ConfigException;
import dev.relay.gateway.routing.ChannelCapabilities;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ChannelStatus;
import dev.relay.gateway.translate.UpstreamDialect;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** Channel JSON: the request fields, their parsing into a {@link ChannelSpec}, and the response view. */
final class ChannelJson {

    static final Set<String> WRITABLE = Set.of(
            "name",
            "protocol",
            "baseUrl",
            "credential",
            "models",
            "modelMapping",
            "groups",
            "priority",
            "weight",
            "extraHeaders",
            "connectTimeoutMs",
            "firstByteTimeoutMs",
            "totalTimeoutMs",
            "capabilities",
            "dialect",
            "status",
            "statusReason",
            "managedBy",
            "externalRef");
    /** Accepted (so a GET body can be sent back) and ignored. */
    static final Set<String> READ_ONLY =
            Set.of("id", "apiBase", "credentialFingerprint", "version", "createdAt", "updatedAt");

    static final Set<String> CAPABILITIES =
            Set.of("chat", "streaming", "tools", "vision", "embeddings", "responses", "toolEmulation", "imageFallback");

    private ChannelJson() {}

    /**
     * A full channel from a create or replace body; absent (or null) optional fields take their defaults. On replace
     * an absent credential keeps the stored one.
     */
    static ChannelSpec spec(ObjectNode body, String pathId) {
        AdminJson.rejectUnknown(body, WRITABLE, READ_ONLY, "");
        IdCheck.matches(body, pathId);
        return new ChannelSpec(
                AdminJson.string(body, "name"),
                AdminJson.enumValue(body, "protocol", Protocol.class),
                AdminJson.string(body, "baseUrl"),
                AdminJson.string(body, "credential"),
                AdminJson.strings(body, "models"),
                AdminJson.stringMap(body, "modelMapping"),
                AdminJson.strings(body, "groups"),
                AdminJson.integer(body, "priority", 0),
                AdminJson.integer(body, "weight", 1),
                AdminJson.stringMap(body, "extraHeaders"),
                AdminJson.integer(body, "connectTimeoutMs"),
                AdminJson.integer(body, "firstByteTimeoutMs"),
                AdminJson.integer(body, "totalTimeoutMs"),
                capabilities(AdminJson.object(body, "capabilities")),
                dialect(AdminJson.object(body, "dialect")),
                AdminJson.enumValue(body, "status", ChannelStatus.class),
                AdminJson.string(body, "statusReason"),
                AdminJson.string(body, "managedBy"),
                AdminJson.string(body, "externalRef"));
    }

    /** A JSON Merge Patch applied to the stored channel. */
    static ChannelSpec patched(ChannelRecord current, ObjectNode patch) {
        AdminJson.rejectUnknown(patch, WRITABLE, READ_ONLY, "");
        IdCheck.matches(patch, current.id());
        ObjectNode base = AdminJson.MAPPER.valueToTree(view(current));
        base.retain(WRITABLE);
        return spec((ObjectNode) AdminJson.mergePatch(base, patch), current.id());
    }

    private static ChannelCapabilities capabilities(ObjectNode o) {
        if (o == null) {
            return null;
        }
        AdminJson.rejectUnknown(o, CAPABILITIES, Set.of(), "capabilities.");
        ChannelCapabilities d = ChannelCapabilities.DEFAULT;
        return new ChannelCapabilities(
                flag(o, "chat", d.chat()),
                flag(o, "streaming", d.streaming()),
                flag(o, "tools", d.tools()),
                flag(o, "vision", d.vision()),
                flag(o, "embeddings", d.embeddings()),
                flag(o, "responses", d.responses()),
                flag(o, "toolEmulation", d.toolEmulation()),
                flag(o, "imageFallback", d.imageFallback()));
    }

    static final Set<String> DIALECT = Set.of("reasoning", "systemMessages");

    private static UpstreamDialect dialect(ObjectNode o) {
        if (o == null) {
            return null;
        }
        AdminJson.rejectUnknown(o, DIALECT, Set.of(), "dialect.");
        String reasoning = AdminJson.string(o, "reasoning");
        String system = AdminJson.string(o, "systemMessages");
        UpstreamDialect.Reasoning r = null;
        UpstreamDialect.SystemMessages sm = null;
        try {
            r = reasoning == null ? null : UpstreamDialect.Reasoning.fromWire(reasoning);
        } catch (IllegalArgumentException ex) {
            throw ConfigException.invalid(
                    "dialect.reasoning",
                    "dialect.reasoning must be one of none, reasoning_effort, enable_thinking, thinking_type,"
                            + " reasoning_object, chat_template_kwargs");
        }
        try {
            sm = system == null ? null : UpstreamDialect.SystemMessages.fromWire(system);
        } catch (IllegalArgumentException ex) {
            throw ConfigException.invalid(
                    "dialect.systemMessages", "dialect.systemMessages must be one of inline, leading");
        }
        return new UpstreamDialect(r, sm);
    }

    /** The dialect as the API shows it: lower-case wire names. */
    record DialectView(String reasoning, String systemMessages) {
        static DialectView of(UpstreamDialect d) {
            return new DialectView(d.reasoning().wireName(), d.systemMessages().wireName());
        }
    }

    private static boolean flag(ObjectNode o, String field, boolean fallback) {
        Boolean b = AdminJson.bool(o, field, "capabilities." + field);
        return b == null ? fallback : b;
    }

    /** What the API returns: never the credential, only its fingerprint. */
    record View(
            String id,
            String name,
            Protocol protocol,
            String baseUrl,
            String apiBase,
            String credentialFingerprint,
            List<String> models,
            Map<String, String> modelMapping,
            List<String> groups,
            int priority,
            int weight,
            Map<String, String> extraHeaders,
            Integer connectTimeoutMs,
            Integer firstByteTimeoutMs,
            Integer totalTimeoutMs,
            ChannelCapabilities capabilities,
            DialectView dialect,
            ChannelStatus status,
            String statusReason,
            String managedBy,
            String externalRef,
            long version,
            Instant createdAt,
            Instant updatedAt) {}

    static View view(ChannelRecord r) {
        ChannelSpec s = r.spec();
        return new View(
                r.id(),
                s.name(),
                s.protocol(),
                s.baseUrl(),
                ChannelRoute.normaliseApiBase(s.baseUrl()).toString(),
                r.credentialFingerprint(),
                s.models(),
                s.modelMapping(),
                s.groups(),
                s.priority(),
                s.weight(),
                s.extraHeaders(),
                s.connectTimeoutMs(),
                s.firstByteTimeoutMs(),
                s.totalTimeoutMs(),
                s.capabilities(),
                DialectView.of(s.dialect()),
                s.status(),
                s.statusReason(),
                s.managedBy(),
                s.externalRef(),
                r.version(),
                r.createdAt(),
                r.updatedAt());
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
