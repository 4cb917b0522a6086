package dev.relay.gateway.introspect;

import dev.relay.gateway.admin.AdminError;
import dev.relay.gateway.admin.AdminException;
import dev.relay.gateway.config.ConfigException;
import dev.relay.gateway.config.ReplicaId;
import dev.relay.gateway.health.ChannelHealth;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.RoutingSnapshot;
import dev.relay.gateway.routing.SnapshotHolder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
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
 *       tokens, data-URL images and long tool arguments redacted or truncated. Metadata only, unless body capture was
 *       on for the request's key or globally when it finished;
 *   <li>{@code GET|PUT|DELETE /internal/debug/capture}: this replica's body captures (global or per client key id,
 *       each with an expiry of at most {@link DebugRecorder#MAX_CAPTURE}).
 * </ul>
 */
@RestController
class IntrospectionController {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> CAPTURE_FIELDS = Set.of("scope", "keyId", "minutes", "until");
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
        root.set("bodyCapture", captureList());
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

    /** This replica's body captures in force. */
    @GetMapping("/internal/debug/capture")
    ResponseEntity<byte[]> captures() {
        return json(captureState());
    }

    /**
     * Turns body capture on, for every request ({@code {"scope":"global"}}) or one client key id
     * ({@code {"scope":"key","keyId":"..."}}), for {@code minutes} (1..1440) or {@code until} an instant at most 24 h
     * ahead; replaces an earlier capture of the same scope.
     */
    @PutMapping("/internal/debug/capture")
    ResponseEntity<byte[]> capture(ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        ObjectNode in = captureBody(request, body);
        for (String name : in.propertyNames()) {
            if (!CAPTURE_FIELDS.contains(name)) {
                throw ConfigException.invalid("unknown_field", name, "unknown field '" + name + "'");
            }
        }
        String scope = string(in, "scope");
        if (scope == null) {
            throw ConfigException.invalid("scope", "scope is required: \"global\" or \"key\"");
        }
        String keyId = string(in, "keyId");
        switch (scope.strip().toLowerCase(Locale.ROOT)) {
            case "global" -> {
                if (keyId != null) {
                    throw ConfigException.invalid("keyId", "keyId is only allowed with scope \"key\"");
                }
            }
            case "key" -> {
                if (keyId == null || keyId.isBlank()) {
                    throw ConfigException.invalid("keyId", "keyId is required with scope \"key\"");
                }
                keyId = keyId.strip();
                String id = keyId;
                if (snapshots.get().keys().stream().noneMatch(k -> k.id().equals(id))) {
                    throw ConfigException.notFound("key", id);
                }
            }
            default -> throw ConfigException.invalid("scope", "scope must be \"global\" or \"key\"");
        }
        JsonNode minutes = present(in, "minutes");
        String until = string(in, "until");
        if ((minutes == null) == (until == null)) {
            throw ConfigException.invalid(
                    "missing_expiry", minutes == null ? "minutes" : "until", "give exactly one of minutes or until");
        }
        long maxMinutes = DebugRecorder.MAX_CAPTURE.toMinutes();
        Instant end;
        if (minutes != null) {
            if (!minutes.isIntegralNumber()
                    || !minutes.canConvertToInt()
                    || minutes.intValue() < 1
                    || minutes.intValue() > maxMinutes) {
                throw ConfigException.invalid("minutes", "minutes must be an integer from 1 to " + maxMinutes);
            }
            end = debug.now().plus(Duration.ofMinutes(minutes.intValue()));
        } else {
            try {
                end = Instant.parse(until.strip());
            } catch (DateTimeParseException ex) {
                throw ConfigException.invalid(
                        "until", "until must be an ISO-8601 instant with offset, e.g. 2030-01-01T00:00:00Z");
            }
        }
        DebugRecorder.Capture c;
        try {
            c = debug.capture(keyId, end);
        } catch (IllegalArgumentException ex) {
            throw ConfigException.invalid(minutes != null ? "minutes" : "until", ex.getMessage());
        } catch (IllegalStateException ex) {
            throw ConfigException.conflict("capture_refused", ex.getMessage());
        }
        ObjectNode out = capture(c);
        out.put("replicaId", replica.value());
        return json(out);
    }

    /**
     * Turns body capture off: every capture without parameters, the global one with {@code scope=global}, one key's
     * with {@code keyId=...} (and optionally {@code scope=key}). Answers the captures still in force.
     */
    @DeleteMapping("/internal/debug/capture")
    ResponseEntity<byte[]> stopCapture(
            @RequestParam(name = "scope", required = false) String scope,
            @RequestParam(name = "keyId", required = false) String keyId) {
        String s = scope == null ? null : scope.strip().toLowerCase(Locale.ROOT);
        if (s == null && keyId == null) {
            debug.stopAllCaptures();
        } else if ("global".equals(s) && keyId == null) {
            debug.stopCapture(null);
        } else if ((s == null || "key".equals(s)) && keyId != null && !keyId.isBlank()) {
            debug.stopCapture(keyId.strip());
        } else {
            throw ConfigException.invalid(
                    "scope", "use no parameters (all), scope=global, or keyId=<id> (optionally with scope=key)");
        }
        return json(captureState());
    }

    private ObjectNode captureState() {
        ObjectNode root = JSON.createObjectNode();
        root.put("replicaId", replica.value());
        root.put("ringEnabled", debug.enabled());
        root.put("maxMinutes", DebugRecorder.MAX_CAPTURE.toMinutes());
        root.set("data", captureList());
        return root;
    }

    private ArrayNode captureList() {
        ArrayNode data = JSON.createArrayNode();
        debug.captures().forEach(c -> data.add(capture(c)));
        return data;
    }

    private static ObjectNode capture(DebugRecorder.Capture c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("scope", c.global() ? "global" : "key");
        o.put("keyId", c.keyId());
        o.put("since", c.since().toString());
        o.put("until", c.until() == null ? null : c.until().toString());
        return o;
    }

    private static ObjectNode captureBody(ServerHttpRequest request, byte[] body) {
        MediaType type = request.getHeaders().getContentType();
        if (type != null
                && !type.isCompatibleWith(MediaType.APPLICATION_JSON)
                && !("application".equals(type.getType()) && type.getSubtype().endsWith("+json"))) {
            throw new AdminException(AdminError.unsupportedMediaType("Content-Type must be application/json"));
        }
        if (body == null || new String(body, StandardCharsets.UTF_8).isBlank()) {
            throw ConfigException.invalid("missing_body", null, "a JSON object body is required");
        }
        JsonNode n;
        try {
            n = STRICT.readTree(body);
        } catch (JacksonException ex) {
            throw ConfigException.invalid("invalid_json", null, "the body is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw ConfigException.invalid("invalid_json", null, "the body must be a JSON object");
        }
        return (ObjectNode) n;
    }

    private static JsonNode present(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n;
    }

    private static String string(ObjectNode o, String field) {
        JsonNode n = present(o, field);
        if (n == null) {
            return null;
        }
        if (!n.isString()) {
            throw ConfigException.invalid(field, field + " must be a string");
        }
        return n.stringValue();
    }

    private static ResponseEntity<byte[]> json(ObjectNode root) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(JSON.writeValueAsBytes(root));
    }
}
