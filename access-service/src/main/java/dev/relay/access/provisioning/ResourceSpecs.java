package dev.relay.access.provisioning;

import dev.relay.contracts.ApiBase;
import dev.relay.contracts.CapabilityProfile;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.contracts.ModelEntry;
import dev.relay.contracts.ProbeResult;
import dev.relay.contracts.Protocol;
import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import java.util.TreeSet;
import java.util.UUID;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The admin API bodies of what an item becomes on its host, built from its submission and probe result alone (pure:
 * no I/O). One channel per protocol the item speaks; the run's group, exposing the public models of every item of the
 * run; the run's key in that group, with the key material generated at submission. Every resource carries {@code
 * managedBy} and a deterministic {@code externalRef}, so creating it again finds the one that exists.
 */
public final class ResourceSpecs {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ResourceSpecs() {}

    public static String channelRef(UUID runId, UUID itemId, Protocol protocol) {
        return "run:" + runId + "/item:" + itemId + "/channel:"
                + protocol.name().toLowerCase(Locale.ROOT);
    }

    public static String groupRef(UUID runId) {
        return "run:" + runId + "/group";
    }

    public static String keyRef(UUID runId) {
        return "run:" + runId + "/key";
    }

    /**
     * A channel for one protocol of the item: its API base, the upstream key, the public model names (and the mapping
     * to upstream names where they differ), restricted to the run's group; capabilities from the profile, with tool
     * emulation where native tools are missing (OpenAI protocol) and an image placeholder where vision is missing;
     * the item's priority, timeouts and extra headers; the vendor's dialect.
     */
    public static ObjectNode channel(
            ItemSubmitted s, ProbeResult r, ApiBase base, String groupId, String upstreamKey, String managedBy) {
        ObjectNode c = F.objectNode();
        c.put("name", channelName(s, r, base.protocol()));
        c.put("protocol", base.protocol().name());
        c.put("baseUrl", base.baseUrl());
        c.put("credential", upstreamKey);
        ArrayNode models = c.putArray("models");
        ObjectNode mapping = F.objectNode();
        for (ModelEntry m : r.models()) {
            models.add(m.publicName());
            if (!m.publicName().equals(m.upstreamName())) {
                mapping.put(m.publicName(), m.upstreamName());
            }
        }
        if (!mapping.isEmpty()) {
            c.set("modelMapping", mapping);
        }
        c.putArray("groups").add(groupId);
        c.put("priority", s.priority());
        if (s.connectTimeoutMs() != null) {
            c.put("connectTimeoutMs", s.connectTimeoutMs());
        }
        if (s.firstByteTimeoutMs() != null) {
            c.put("firstByteTimeoutMs", s.firstByteTimeoutMs());
        }
        if (s.totalTimeoutMs() != null) {
            c.put("totalTimeoutMs", s.totalTimeoutMs());
        }
        if (!s.extraHeaders().isEmpty()) {
            ObjectNode h = c.putObject("extraHeaders");
            s.extraHeaders().forEach(h::put);
        }
        c.set("capabilities", capabilities(r.capabilities(), base.protocol()));
        if (base.protocol() == Protocol.OPENAI && r.dialect() != null) {
            ObjectNode d = c.putObject("dialect");
            d.put("reasoning", r.dialect().reasoning());
            d.put("systemMessages", r.dialect().systemMessages());
        }
        c.put("managedBy", managedBy);
        c.put("externalRef", channelRef(s.runId(), s.itemId(), base.protocol()));
        return c;
    }

    static ObjectNode capabilities(CapabilityProfile p, Protocol protocol) {
        ObjectNode caps = F.objectNode();
        caps.put("chat", p.chat() || protocol == Protocol.ANTHROPIC && p.anthropicMessages());
        caps.put("streaming", p.streaming());
        boolean openAi = protocol == Protocol.OPENAI;
        // An Anthropic channel always runs tools natively; an OpenAI-compatible one without them gets emulation.
        caps.put("tools", !openAi || p.nativeTools());
        caps.put("toolEmulation", openAi && !p.nativeTools());
        caps.put("vision", p.vision());
        caps.put("imageFallback", !p.vision());
        caps.put("embeddings", openAi && p.embeddings());
        caps.put("responses", openAi && p.responses());
        return caps;
    }

    /** The run's group: the public models of every item provisioned so far, sorted. */
    public static ObjectNode group(UUID runId, Collection<String> publicModels, String managedBy) {
        ObjectNode g = F.objectNode();
        g.put("name", "import run " + runId);
        ArrayNode models = g.putArray("models");
        new TreeSet<>(publicModels).forEach(models::add);
        g.put("managedBy", managedBy);
        g.put("externalRef", groupRef(runId));
        return g;
    }

    /** The run's key, with the key material generated at submission (so a replayed create still knows it). */
    public static ObjectNode key(UUID runId, String groupId, String clientKey, String managedBy) {
        ObjectNode k = F.objectNode();
        k.put("name", "import run " + runId);
        k.put("groupId", groupId);
        k.put("key", clientKey);
        k.put("managedBy", managedBy);
        k.put("externalRef", keyRef(runId));
        return k;
    }

    static String channelName(ItemSubmitted s, ProbeResult r, Protocol protocol) {
        String host;
        try {
            host = URI.create(s.baseUrl()).getHost();
        } catch (IllegalArgumentException e) {
            host = null;
        }
        return r.vendor() + " " + (host == null ? "" : host + " ") + "#" + (s.index() + 1) + " "
                + protocol.name().toLowerCase(Locale.ROOT);
    }

    /** The public models an item exposes. */
    public static TreeSet<String> publicModels(ProbeResult r) {
        TreeSet<String> out = new TreeSet<>();
        r.models().forEach(m -> out.add(m.publicName()));
        return out;
    }

    /** Fields of an applied body that are not part of the recorded spec (the credential is recorded sealed). */
    public static ObjectNode withoutSecrets(ObjectNode applied) {
        ObjectNode copy = applied.deepCopy();
        copy.remove("credential");
        copy.remove("key");
        return copy;
    }
}
