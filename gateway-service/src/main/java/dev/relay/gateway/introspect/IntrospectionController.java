package dev.relay.gateway.introspect;

import dev.relay.gateway.health.ChannelHealth;
import dev.relay.gateway.health.ReplicaId;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.RoutingSnapshot;
import dev.relay.gateway.routing.SnapshotHolder;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Admin-only introspection (guarded by the admin token like {@code /admin/**}):
 *
 * <ul>
 *   <li>{@code GET /internal/effective-config}: what this replica runs — its settings as resolved from every property
 *       source, and the routing snapshot (channels with their health, groups, keys) — with every secret redacted;
 *   <li>{@code GET /internal/debug/requests?limit=N}: the newest N requests of the debug ring, newest first, with keys,
 *       tokens, data-URL images and long tool arguments redacted or truncated.
 * </ul>
 */
@RestController
class IntrospectionController {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String[] SETTING_PREFIXES = {
        "relay.", "server.", "spring.datasource.", "spring.kafka.", "spring.data.redis.", "management."
    };

    private final SnapshotHolder snapshots;
    private final ChannelHealth health;
    private final DebugRecorder debug;
    private final ConfigurableEnvironment environment;
    private final ReplicaId replica;

    IntrospectionController(
            SnapshotHolder snapshots,
            ChannelHealth health,
            DebugRecorder debug,
            ConfigurableEnvironment environment,
            ReplicaId replica) {
        this.snapshots = snapshots;
        this.health = health;
        this.debug = debug;
        this.environment = environment;
        this.replica = replica;
    }

    @GetMapping("/internal/effective-config")
    ResponseEntity<byte[]> effectiveConfig() {
        RoutingSnapshot snapshot = snapshots.get();
        ObjectNode root = JSON.createObjectNode();
        root.put("replicaId", replica.value());
        root.put("configVersion", snapshot.version());
        root.put("generatedAt", Instant.now().toString());
        ObjectNode settings = root.putObject("settings");
        settings().forEach(settings::put);
        ArrayNode channels = root.putArray("channels");
        snapshot.channels().stream()
                .sorted(Comparator.comparing(ChannelRoute::id))
                .forEach(ch -> channels.add(channel(ch)));
        ArrayNode groups = root.putArray("groups");
        snapshot.groups().forEach(g -> {
            ObjectNode o = groups.addObject();
            o.put("id", g.id());
            o.put("name", g.name());
            o.put("enabled", g.enabled());
            ArrayNode models = o.putArray("models");
            if (g.allModels()) {
                models.add("*");
            } else {
                g.models().stream().sorted().forEach(models::add);
            }
        });
        ArrayNode keys = root.putArray("keys");
        snapshot.keys().forEach(k -> {
            ObjectNode o = keys.addObject();
            o.put("id", k.id());
            o.put("name", k.name());
            o.put("groupId", k.groupId());
            o.put("enabled", k.enabled());
            if (k.exhausted() != null) {
                ObjectNode e = o.putObject("exhausted");
                e.put("reason", k.exhausted().reason());
                e.put(
                        "until",
                        k.exhausted().until() == null
                                ? null
                                : k.exhausted().until().toString());
            }
            o.put("expiresAt", k.expiresAt() == null ? null : k.expiresAt().toString());
            if (k.rateLimitPerMinute() != null) {
                o.put("rateLimitPerMinute", k.rateLimitPerMinute());
            }
            o.put("key", "[redacted]");
        });
        return json(root);
    }

    private ObjectNode channel(ChannelRoute ch) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", ch.id());
        o.put("name", ch.name());
        o.put("protocol", ch.protocol().name());
        o.put("apiBase", Redactor.value(ch.apiBase().toString(), 2048));
        o.put("credential", "[redacted]");
        ArrayNode models = o.putArray("models");
        ch.models().stream().sorted().forEach(models::add);
        ObjectNode mapping = o.putObject("modelMapping");
        new TreeMap<>(ch.modelMapping()).forEach(mapping::put);
        ArrayNode groups = o.putArray("groups");
        ch.groups().stream().sorted().forEach(groups::add);
        o.put("priority", ch.priority());
        o.put("weight", ch.weight());
        ObjectNode headers = o.putObject("extraHeaders");
        new TreeMap<>(ch.extraHeaders())
                .forEach((k, v) -> headers.put(k, Redactor.sensitiveName(k) ? "[redacted]" : Redactor.text(v, 512)));
        putMillis(o, "connectTimeoutMs", ch.connectTimeout());
        putMillis(o, "firstByteTimeoutMs", ch.firstByteTimeout());
        putMillis(o, "totalTimeoutMs", ch.totalTimeout());
        o.set("capabilities", JSON.valueToTree(ch.capabilities()));
        o.put("status", ch.status().name());
        o.put("version", ch.version());
        ObjectNode h = o.putObject("health");
        h.put("available", health.available(ch.id()));
        Instant until = health.cooldownUntil(ch.id());
        h.put("cooldownUntil", until == null ? null : until.toString());
        return o;
    }

    private static void putMillis(ObjectNode o, String field, java.time.Duration d) {
        if (d != null) {
            o.put(field, d.toMillis());
        }
    }

    /** Every relevant setting as this replica resolved it (highest-precedence source wins), secrets redacted. */
    private Map<String, String> settings() {
        Map<String, String> out = new TreeMap<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> e)) {
                continue;
            }
            for (String name : e.getPropertyNames()) {
                if (out.containsKey(name) || !relevant(name)) {
                    continue;
                }
                String value;
                try {
                    value = environment.getProperty(name);
                } catch (RuntimeException ex) {
                    value = "[unresolvable]";
                }
                out.put(
                        name,
                        secret(name)
                                ? (value == null || value.isEmpty() ? "" : "[redacted]")
                                : Redactor.value(value, 4096));
            }
        }
        return out;
    }

    private static boolean relevant(String name) {
        for (String p : SETTING_PREFIXES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    static boolean secret(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        return n.contains("password")
                || n.contains("secret")
                || n.contains("token") && !n.contains("tokens") // token counts are not secrets
                || n.contains("credential")
                || n.contains("jaas")
                || n.contains("userinfo")
                || n.contains("user.info")
                || n.contains("auth") && !n.contains("author")
                || (n.contains("key")
                        && !n.contains("keyid")
                        && !n.endsWith("keydeserializer")
                        && !n.endsWith("keyserializer"));
    }

    @GetMapping("/internal/debug/requests")
    ResponseEntity<byte[]> debugRequests(@RequestParam(name = "limit", defaultValue = "20") int limit) {
        int n = Math.max(1, Math.min(limit, Math.max(1, debug.capacity())));
        ObjectNode root = JSON.createObjectNode();
        root.put("capacity", debug.capacity());
        root.put("maxBodyBytes", debug.maxBodyBytes());
        ArrayNode data = root.putArray("data");
        for (DebugRecorder.Entry e : debug.recent(n)) {
            ObjectNode o = data.addObject();
            o.put("at", e.at().toString());
            o.put("requestId", e.requestId());
            o.put("clientApi", e.clientApi());
            o.put("method", e.method());
            o.put("path", e.path());
            o.set("requestHeaders", Redactor.headers(e.requestHeaders().toSingleValueMap()));
            o.put("clientKeyId", e.clientKeyId());
            o.put("model", e.publicModel());
            o.put("channelId", e.channelId());
            ArrayNode tried = o.putArray("channelsTried");
            e.channelsTried().forEach(tried::add);
            o.put("stream", e.stream());
            o.put("status", e.status());
            o.put("outcome", e.outcome());
            o.put("latencyMs", e.latencyMillis());
            o.put("requestBytes", e.requestBytes());
            o.set("requestBody", e.requestBody() == null ? null : Redactor.body(e.requestBody()));
            o.put("responseBytes", e.responseBytes());
            o.set("responseBody", e.responseBody() == null ? null : Redactor.body(e.responseBody()));
        }
        return json(root);
    }

    private static ResponseEntity<byte[]> json(ObjectNode root) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(JSON.writeValueAsBytes(root));
    }
}
