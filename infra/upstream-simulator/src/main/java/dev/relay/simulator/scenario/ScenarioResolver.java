package dev.relay.simulator.scenario;

import dev.relay.simulator.SimulatorProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Resolves a request's {@link Scenario} and checks its API key. Header lookups and a cached parse of a scripted key:
 * cheap per request.
 */
@Component
public class ScenarioResolver {

    /** A key that is always rejected. */
    public static final String BAD_KEY = "sk-bad";
    /**
     * Prefix of scripted keys ({@code sk-sim-429}, {@code sk-sim-drop-after-3},
     * {@code sk-sim-openai-only_models=a+b_warmup-403}, ... see {@link KeyScript}), always accepted.
     */
    public static final String SCRIPTED_PREFIX = "sk-sim-";
    /** The scripted key of a model without native tools (like {@code x-sim-no-tools: true}). */
    public static final String NO_TOOLS_KEY = "sk-sim-no-tools";

    /** Parsed scripted keys kept; the cache is emptied when it is full. */
    private static final int MAX_CACHED_SCRIPTS = 10_000;

    private final SimulatorProperties properties;
    private final Set<String> keys;
    private final ConcurrentMap<String, KeyScript> scripts = new ConcurrentHashMap<>();

    public ScenarioResolver(SimulatorProperties properties) {
        this.properties = properties;
        this.keys = Set.copyOf(properties.keys());
    }

    /** The key of {@code Authorization: Bearer} or {@code x-api-key}; the flavor's own header wins if both come. */
    public static String apiKey(HttpHeaders headers, ApiFlavor flavor) {
        String bearer = null;
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            bearer = authorization.substring(7).trim();
        }
        String xApiKey = headers.getFirst("x-api-key");
        if (flavor == ApiFlavor.ANTHROPIC) {
            return xApiKey != null ? xApiKey.trim() : bearer;
        }
        return bearer != null ? bearer : (xApiKey == null ? null : xApiKey.trim());
    }

    public boolean accepts(String key) {
        if (key == null || key.isEmpty() || key.equals(BAD_KEY)) {
            return false;
        }
        if (key.startsWith(SCRIPTED_PREFIX)) {
            return true;
        }
        return keys.isEmpty() ? key.startsWith("sk-") : keys.contains(key);
    }

    public Scenario resolve(HttpHeaders headers, ApiFlavor flavor) {
        String key = apiKey(headers, flavor);
        KeyScript script = script(key);
        String header = headers.getFirst("x-sim-behavior");
        Behavior.Spec spec;
        if (header != null) {
            spec = Behavior.parse(header);
        } else {
            spec = script.behavior() != null ? script.behavior() : Behavior.Spec.NORMAL;
        }
        Behavior behavior = spec.behavior();
        long parameter = spec.parameter();

        long latency = number(headers, "x-sim-latency-ms", -1);
        if (latency < 0) {
            if (behavior == Behavior.LATENCY) {
                latency = parameter >= 0
                        ? parameter
                        : (properties.latencyMs() > 0 ? properties.latencyMs() : properties.behaviorLatencyMs());
            } else {
                latency = properties.latencyMs();
            }
        }
        boolean faulting =
                behavior == Behavior.DROP_AFTER || behavior == Behavior.STALL || behavior == Behavior.STREAM_ERROR;
        int eventsBeforeFault = (int)
                number(headers, "x-sim-drop-after", faulting && parameter >= 0 ? Math.min(parameter, 1_000_000) : 2);
        int failFirst = (int) number(
                headers,
                "x-sim-fail-first",
                behavior == Behavior.FAIL_FIRST ? (parameter >= 0 ? Math.min(parameter, 1_000_000) : 1) : 0);
        int failStatus = (int) number(headers, "x-sim-fail-status", 500);
        if (failStatus < 400 || failStatus > 599) {
            failStatus = 500;
        }
        Behavior.Spec answer = behavior == Behavior.OK_THEN ? spec.then() : spec;
        int retryAfter = (int) number(
                headers,
                "x-sim-retry-after",
                answer.behavior() == Behavior.RATE_LIMIT && answer.parameter() >= 0
                        ? Math.min(answer.parameter(), 86_400)
                        : 1);
        String modelsHeader = headers.getFirst("x-sim-models");
        List<String> models = modelsHeader != null ? models(modelsHeader) : script.models();
        boolean strictModels =
                script.models() != null || "true".equalsIgnoreCase(headers.getFirst("x-sim-models-strict"));
        int chunks = (int) Math.min(10_000, Math.max(1, number(headers, "x-sim-chunks", properties.defaultChunks())));
        int parallel = (int) Math.min(16, Math.max(1, number(headers, "x-sim-parallel-tools", 1)));
        return new Scenario(
                behavior,
                spec.status(),
                key,
                headers.getFirst("x-sim-scenario-id"),
                Math.max(0, latency),
                Math.max(0, number(headers, "x-sim-chunk-delay-ms", properties.chunkDelayMs())),
                Math.max(0, retryAfter),
                Math.max(0, eventsBeforeFault),
                Math.max(0, failFirst),
                failStatus,
                chunks,
                "true".equalsIgnoreCase(headers.getFirst("x-sim-tool-call")),
                parallel,
                (int) Math.min(Integer.MAX_VALUE, number(headers, "x-sim-cache-read", -1)),
                (int) Math.min(Integer.MAX_VALUE, number(headers, "x-sim-cache-write", -1)),
                models,
                "true".equalsIgnoreCase(headers.getFirst("x-sim-no-tools"))
                        || script.noTools()
                        || (key != null && key.equalsIgnoreCase(NO_TOOLS_KEY)),
                "true".equalsIgnoreCase(headers.getFirst("x-sim-reasoning")),
                "false".equalsIgnoreCase(headers.getFirst("x-sim-vision")),
                "true".equalsIgnoreCase(headers.getFirst("x-sim-limits")),
                dev.relay.simulator.content.ToolScript.parse(
                        headers.getFirst(dev.relay.simulator.content.ToolScript.HEADER)),
                headers.getFirst("x-sim-dialect") == null
                        ? "openai"
                        : headers.getFirst("x-sim-dialect").trim(),
                "true".equalsIgnoreCase(headers.getFirst("x-sim-system-first")),
                strictModels ? (models != null ? models : properties.models()) : null,
                protocol(headers.getFirst("x-sim-protocol"), script),
                behavior == Behavior.OK_THEN ? (int) Math.min(parameter, Integer.MAX_VALUE) : 0,
                behavior == Behavior.OK_THEN ? spec.then() : null);
    }

    /** The parsed script of an {@code sk-sim-} key (cached: a key is parsed once, not per request). */
    KeyScript script(String key) {
        if (key == null || !key.startsWith(SCRIPTED_PREFIX)) {
            return KeyScript.NONE;
        }
        KeyScript script = scripts.get(key);
        if (script == null) {
            if (scripts.size() >= MAX_CACHED_SCRIPTS) {
                scripts.clear();
            }
            script = KeyScript.parse(key.substring(SCRIPTED_PREFIX.length()));
            scripts.put(key, script);
        }
        return script;
    }

    /** {@code x-sim-protocol: openai|anthropic} (anything else: both), else the key's {@code -only} segment. */
    private static ApiFlavor protocol(String header, KeyScript script) {
        if (header == null) {
            return script.protocol();
        }
        return switch (header.trim().toLowerCase(Locale.ROOT)) {
            case "openai" -> ApiFlavor.OPENAI;
            case "anthropic" -> ApiFlavor.ANTHROPIC;
            default -> null;
        };
    }

    private static long number(HttpHeaders headers, String name, long fallback) {
        String value = headers.getFirst(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static List<String> models(String header) {
        if (header == null) {
            return null;
        }
        List<String> models = new ArrayList<>();
        for (String model : header.split(",")) {
            String id = model.trim();
            if (!id.isEmpty()) {
                models.add(id);
            }
        }
        return List.copyOf(models);
    }
}
