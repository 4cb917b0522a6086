package dev.relay.probe.upstream;

import dev.relay.contracts.ApiBase;
import dev.relay.contracts.CapabilityProfile;
import dev.relay.contracts.ChannelDialect;
import dev.relay.contracts.FailureClass;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.contracts.ModelCorrection;
import dev.relay.contracts.ModelEntry;
import dev.relay.contracts.ProbeCall;
import dev.relay.contracts.ProbeResult;
import dev.relay.contracts.Protocol;
import dev.relay.contracts.ProtocolHint;
import dev.relay.contracts.UpstreamErrors;
import dev.relay.contracts.UpstreamErrors.Expect;
import dev.relay.contracts.UpstreamErrors.UpstreamAnswer;
import dev.relay.contracts.UpstreamErrors.UpstreamFailure;
import dev.relay.contracts.Warning;
import dev.relay.probe.logic.BaseUrls;
import dev.relay.probe.logic.ModelNames;
import dev.relay.probe.logic.VendorCatalog;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Probes one item's upstream with minimal, bounded calls that create or change nothing upstream: detects the
 * protocol(s) by listing models under each candidate API base, resolves the requested model names (each correction
 * with its reason), makes a smoke call per requested model by capability (a one-token completion for chat models, an
 * embedding for embedding models), and profiles the smoke model (streaming, native tools, vision, the Responses API,
 * Anthropic Messages and count_tokens). Every call is kept as evidence, previews redacted. Pure of persistence: the
 * caller turns the outcome into events.
 */
public class Prober {

    /** What a probe found: the result, or a classified failure. */
    public sealed interface Outcome permits Probed, Failed {}

    public record Probed(ProbeResult result) implements Outcome {}

    public record Failed(
            FailureClass classification,
            String detail,
            Integer upstreamStatus,
            List<ProbeCall> evidence,
            List<String> candidates,
            String resolvedAddress,
            Integer retryAfterSeconds)
            implements Outcome {}

    static final String ANTHROPIC_VERSION = "2023-06-01";
    /** A whole probe ends within this, well inside the timer lease: later calls are not made and count as timeouts. */
    static final Duration PROBE_DEADLINE = Duration.ofSeconds(100);

    static final int MAX_SMOKE_MODELS = 20;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A 1x1 transparent PNG, the smallest image a vision probe can send. */
    static final String PIXEL =
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    private final UpstreamHttp http;
    private final VendorCatalog catalog;
    private final BaseUrls baseUrls;
    private final Duration defaultTimeout;

    public Prober(UpstreamHttp http, VendorCatalog catalog, Duration defaultTimeout) {
        this.http = http;
        this.catalog = catalog;
        this.baseUrls = new BaseUrls(catalog);
        this.defaultTimeout = defaultTimeout;
    }

    /** One probe run for an item; {@code apiKey} is the opened upstream key (never logged, never in evidence). */
    public Outcome probe(ItemSubmitted item, String apiKey) {
        Run run = new Run(item, apiKey);
        return run.probe();
    }

    /** The state of one probe run: its evidence and what it learnt so far. */
    private final class Run {
        final ItemSubmitted item;
        final String key;
        final Duration timeout;
        final List<ProbeCall> evidence = new ArrayList<>();
        final List<Warning> warnings = new ArrayList<>();
        final List<UpstreamFailure> failures = new ArrayList<>();
        String refusedAddress;
        String refusedReason;
        final long started = System.nanoTime();

        Run(ItemSubmitted item, String key) {
            this.item = item;
            this.key = key;
            Duration t =
                    item.firstByteTimeoutMs() != null ? Duration.ofMillis(item.firstByteTimeoutMs()) : defaultTimeout;
            this.timeout = t.compareTo(defaultTimeout) < 0 ? t : defaultTimeout;
        }

        Outcome probe() {
            BaseUrls.Proposal proposal;
            try {
                proposal = baseUrls.propose(item.baseUrl());
            } catch (IllegalArgumentException e) {
                return fail(FailureClass.INVALID_INPUT, e.getMessage(), null);
            }
            VendorCatalog.Vendor vendor = proposal.vendor();
            List<Protocol> protocols = switch (item.protocolHint() == null ? ProtocolHint.AUTO : item.protocolHint()) {
                case OPENAI -> List.of(Protocol.OPENAI);
                case ANTHROPIC -> List.of(Protocol.ANTHROPIC);
                case AUTO ->
                    proposal.impliedProtocol() == Protocol.ANTHROPIC
                            ? List.of(Protocol.ANTHROPIC, Protocol.OPENAI)
                            : List.of(Protocol.OPENAI, Protocol.ANTHROPIC);
            };

            // 1. protocols: list the models under each candidate API base
            Map<Protocol, BaseUrls.Candidate> found = new EnumMap<>(Protocol.class);
            Map<Protocol, List<String>> listed = new EnumMap<>(Protocol.class);
            for (Protocol p : protocols) {
                for (BaseUrls.Candidate c : proposal.candidates(p)) {
                    Answer a = call(c, "GET", "/models", null, Expect.MODEL_LIST);
                    if (refusedAddress != null) {
                        return fail(FailureClass.URL_NOT_ALLOWED, refusedReason, null);
                    }
                    if (a.ok()) {
                        found.put(p, c);
                        listed.put(p, modelIds(a.body));
                        break;
                    }
                    if (a.failure != null && a.failure.failureClass() == FailureClass.AUTH_INVALID) {
                        break; // the key is refused here; other paths of the same host will not differ
                    }
                }
            }
            // an Anthropic-protocol upstream without a model list: a one-token message with a requested model decides
            if (!found.containsKey(Protocol.ANTHROPIC)
                    && protocols.contains(Protocol.ANTHROPIC)
                    && !wanted().isEmpty()) {
                for (BaseUrls.Candidate c : proposal.candidates(Protocol.ANTHROPIC)) {
                    Answer a = call(
                            c, "POST", "/messages", messages(wanted().getFirst(), false), Expect.ANTHROPIC_MESSAGE);
                    if (a.ok()) {
                        found.put(Protocol.ANTHROPIC, c);
                        listed.put(Protocol.ANTHROPIC, List.copyOf(wanted()));
                        break;
                    }
                }
            }
            if (found.isEmpty()) {
                UpstreamFailure worst = worst();
                if (worst == null) {
                    return fail(
                            FailureClass.INCOMPATIBLE,
                            "no OpenAI or Anthropic API answered under " + item.baseUrl(),
                            null);
                }
                FailureClass cls = worst.failureClass() == FailureClass.MODEL_NOT_FOUND
                        ? FailureClass.INCOMPATIBLE
                        : worst.failureClass();
                return fail(cls, worst.detail(), worst.status(), worst.retryAfterSeconds());
            }

            // 2. models: what the upstream serves, corrected against what the operator asked for
            Protocol primary = found.containsKey(Protocol.OPENAI) ? Protocol.OPENAI : Protocol.ANTHROPIC;
            Set<String> served = new LinkedHashSet<>();
            found.keySet().forEach(p -> served.addAll(listed.get(p)));
            ModelNames names = new ModelNames(catalog, vendor);
            Map<String, String> exposed = new LinkedHashMap<>(); // public → upstream
            List<ModelCorrection> corrections = new ArrayList<>();
            Map<String, String> upstreamOfRequested = new LinkedHashMap<>();
            for (String requested : wanted()) {
                ModelNames.Resolution r = names.resolve(served, requested);
                if (!r.resolved()) {
                    return failModel(requested, r.candidates());
                }
                r.correction().ifPresent(corrections::add);
                upstreamOfRequested.put(requested, r.served());
            }
            for (Map.Entry<String, String> alias : item.aliases().entrySet()) {
                exposed.put(alias.getKey(), upstreamOfRequested.get(alias.getValue()));
            }
            for (String requested : item.requestedModels()) {
                String up = upstreamOfRequested.get(requested);
                if (!exposed.containsValue(up)) {
                    exposed.put(up, up);
                }
            }
            boolean allListed =
                    item.requestedModels().isEmpty() && item.aliases().isEmpty();
            if (allListed) {
                for (String m : served) {
                    exposed.putIfAbsent(m, m);
                }
            }
            if (exposed.isEmpty()) {
                return fail(FailureClass.MODEL_NOT_FOUND, "the upstream lists no model", null);
            }

            // 3. smoke model: the operator's, else the first chat model asked for (or listed)
            String smoke = null;
            if (item.smokeModel() != null) {
                ModelNames.Resolution r = names.resolve(served, item.smokeModel());
                if (r.resolved() && names.kind(r.served()) == ModelEntry.ModelKind.CHAT) {
                    smoke = r.served();
                    r.correction().ifPresent(c -> {
                        if (!corrections.contains(c)) {
                            corrections.add(c);
                        }
                    });
                    if (!exposed.containsValue(smoke)) {
                        exposed.put(smoke, smoke);
                    }
                } else if (!r.resolved()) {
                    warnings.add(new Warning(
                            "SMOKE_MODEL_NOT_FOUND",
                            "the smoke model " + item.smokeModel() + " is not served; another model is used"));
                }
            }
            if (smoke == null) {
                for (String up : exposed.values()) {
                    if (names.kind(up) == ModelEntry.ModelKind.CHAT) {
                        smoke = up;
                        break;
                    }
                }
            }
            if (smoke == null) {
                return fail(
                        FailureClass.MODEL_NOT_FOUND, "no chat model to confirm with among " + exposed.values(), null);
            }

            // 4. a smoke call per model the operator asked for (by capability), or just the smoke model
            BaseUrls.Candidate base = found.get(primary);
            Set<String> tested = new LinkedHashSet<>();
            List<String> toTest = new ArrayList<>();
            toTest.add(smoke);
            if (!allListed) {
                exposed.values().stream()
                        .filter(m -> !m.equals(toTest.getFirst()))
                        .limit(MAX_SMOKE_MODELS)
                        .forEach(toTest::add);
            }
            boolean embeddings = false;
            for (String model : toTest) {
                boolean embedding = names.kind(model) == ModelEntry.ModelKind.EMBEDDING;
                Answer a;
                if (embedding) {
                    if (primary != Protocol.OPENAI) {
                        continue; // no embeddings API to call on an Anthropic-only upstream
                    }
                    a = call(base, "POST", "/embeddings", embeddingsBody(model), Expect.EMBEDDINGS);
                } else {
                    a = primary == Protocol.OPENAI
                            ? call(
                                    base,
                                    "POST",
                                    "/chat/completions",
                                    chat(model, false, false, false),
                                    Expect.CHAT_COMPLETION)
                            : call(base, "POST", "/messages", messages(model, false), Expect.ANTHROPIC_MESSAGE);
                }
                if (a.ok()) {
                    tested.add(model);
                    embeddings |= embedding;
                    continue;
                }
                if (a.answer != null) {
                    var warmup = UpstreamErrors.warmUp403(a.answer, model, served);
                    if (warmup.isPresent()) {
                        warnings.add(warmup.get());
                        continue; // a warm-up race: the confirmation window decides
                    }
                }
                UpstreamFailure f = a.failure;
                FailureClass cls = f.failureClass();
                if (cls == FailureClass.MODEL_NOT_FOUND) {
                    return failModel(model, List.copyOf(served).subList(0, Math.min(3, served.size())));
                }
                return fail(cls, model + ": " + f.detail(), f.status(), f.retryAfterSeconds());
            }

            // 5. the smoke model's capabilities
            boolean chat = tested.contains(smoke);
            boolean stream;
            boolean tools;
            boolean vision;
            boolean responses = false;
            boolean anthropicMessages = found.containsKey(Protocol.ANTHROPIC);
            boolean countTokens = false;
            if (primary == Protocol.OPENAI) {
                stream = call(
                                base,
                                "POST",
                                "/chat/completions",
                                chat(smoke, true, false, false),
                                Expect.CHAT_COMPLETION_STREAM)
                        .ok();
                Answer t = call(
                        base, "POST", "/chat/completions", chat(smoke, false, true, false), Expect.CHAT_COMPLETION);
                tools = t.ok() && hasToolCall(t.body);
                vision = call(
                                base,
                                "POST",
                                "/chat/completions",
                                chat(smoke, false, false, true),
                                Expect.CHAT_COMPLETION)
                        .ok();
                responses = call(base, "POST", "/responses", responsesBody(smoke), Expect.ANY_JSON)
                        .ok();
            } else {
                stream = call(base, "POST", "/messages", messages(smoke, true), Expect.ANTHROPIC_MESSAGE_STREAM)
                        .ok();
                Answer t = call(base, "POST", "/messages", anthropicTools(smoke), Expect.ANTHROPIC_MESSAGE);
                tools = t.ok() && t.body != null && new String(t.body, StandardCharsets.UTF_8).contains("\"tool_use\"");
                vision = call(base, "POST", "/messages", anthropicVision(smoke), Expect.ANTHROPIC_MESSAGE)
                        .ok();
            }
            if (anthropicMessages) {
                BaseUrls.Candidate a = found.get(Protocol.ANTHROPIC);
                String anthropicSmoke = listed.get(Protocol.ANTHROPIC).contains(smoke)
                        ? smoke
                        : listed.get(Protocol.ANTHROPIC).getFirst();
                countTokens = call(
                                a, "POST", "/messages/count_tokens", countTokensBody(anthropicSmoke), Expect.ANY_JSON)
                        .ok();
            }
            CapabilityProfile caps = new CapabilityProfile(
                    chat, stream, tools, vision, embeddings, responses, anthropicMessages, countTokens);

            List<ModelEntry> models = new ArrayList<>();
            exposed.forEach((pub, up) -> models.add(new ModelEntry(pub, up, names.kind(up), tested.contains(up))));
            List<ApiBase> apiBases = new ArrayList<>();
            found.values().forEach(c -> apiBases.add(c.toApiBase()));
            if (allListed && exposed.size() > 1) {
                warnings.add(new Warning(
                        "LISTED_NOT_TESTED",
                        "no models were named: the " + exposed.size() + " listed models are exposed, only " + smoke
                                + " was called"));
            }
            return new Probed(new ProbeResult(
                    apiBases,
                    vendor.id(),
                    models,
                    corrections,
                    caps,
                    smoke,
                    evidence,
                    warnings,
                    ms(),
                    new ChannelDialect(
                            vendor.dialect().reasoning(), vendor.dialect().systemMessages())));
        }

        /** The names the operator asked for: requested models and alias targets, in order, without repeats. */
        List<String> wanted() {
            Set<String> w = new LinkedHashSet<>(item.requestedModels());
            w.addAll(item.aliases().values());
            return List.copyOf(w);
        }

        Outcome fail(FailureClass cls, String detail, Integer status) {
            return fail(cls, detail, status, null);
        }

        Outcome fail(FailureClass cls, String detail, Integer status, Integer retryAfter) {
            return new Failed(cls, detail, status, evidence, List.of(), refusedAddress, retryAfter);
        }

        Outcome failModel(String requested, List<String> candidates) {
            return new Failed(
                    FailureClass.MODEL_NOT_FOUND,
                    "the upstream does not serve " + requested
                            + (candidates.isEmpty() ? "" : "; nearest: " + String.join(", ", candidates)),
                    404,
                    evidence,
                    candidates,
                    null,
                    null);
        }

        /** The most telling failure seen: auth, then quota, rate limit, timeout, unreachable, upstream error. */
        UpstreamFailure worst() {
            List<FailureClass> order = List.of(
                    FailureClass.AUTH_INVALID,
                    FailureClass.QUOTA_EXHAUSTED,
                    FailureClass.RATE_LIMITED,
                    FailureClass.TIMEOUT,
                    FailureClass.UNREACHABLE,
                    FailureClass.UPSTREAM_ERROR,
                    FailureClass.MODEL_NOT_FOUND,
                    FailureClass.INCOMPATIBLE);
            for (FailureClass c : order) {
                for (UpstreamFailure f : failures) {
                    if (f.failureClass() == c) {
                        return f;
                    }
                }
            }
            return failures.isEmpty() ? null : failures.getFirst();
        }

        Answer call(BaseUrls.Candidate base, String method, String path, byte[] body, Expect expect) {
            URI url = URI.create(base.endpoint(path));
            Duration left = PROBE_DEADLINE.minusMillis(ms());
            if (left.isNegative() || left.isZero()) {
                UpstreamFailure f = UpstreamErrors.classify(
                        UpstreamErrors.TransportError.TOTAL_TIMEOUT,
                        "the probe ran out of its " + PROBE_DEADLINE.toSeconds() + " s");
                failures.add(f);
                return new Answer(null, null, f);
            }
            Duration callTimeout = left.compareTo(timeout) < 0 ? left : timeout;
            Map<String, String> headers = new LinkedHashMap<>(item.extraHeaders());
            headers.put("Accept", "application/json, text/event-stream");
            if (body != null) {
                headers.put("Content-Type", "application/json");
            }
            if (base.protocol() == Protocol.ANTHROPIC) {
                headers.put("x-api-key", key);
                headers.put("anthropic-version", ANTHROPIC_VERSION);
            } else {
                headers.put("Authorization", "Bearer " + key);
            }
            String evidencePath = url.getRawPath();
            try {
                UpstreamHttp.Response r = http.send(method, url, headers, body, callTimeout);
                UpstreamAnswer answer = new UpstreamAnswer(
                        r.status(), r.header("content-type"), r.header("retry-after"), r.body(), Instant.now());
                var failure = UpstreamErrors.classify(answer, expect);
                evidence.add(new ProbeCall(
                        method,
                        evidencePath,
                        r.status(),
                        r.latencyMillis(),
                        UpstreamErrors.preview(r.body()).replace(key, "***")));
                failure.ifPresent(failures::add);
                return new Answer(answer, r.body(), failure.orElse(null));
            } catch (UpstreamHttp.NoAnswer e) {
                evidence.add(new ProbeCall(method, evidencePath, null, e.latencyMillis(), e.getMessage()));
                if (e.kind() == UpstreamHttp.NoAnswer.Kind.REFUSED) {
                    refusedAddress = e.resolvedAddress();
                    refusedReason = e.getMessage();
                    return new Answer(
                            null,
                            null,
                            new UpstreamFailure(FailureClass.URL_NOT_ALLOWED, null, e.getMessage(), null, null));
                }
                UpstreamFailure f = UpstreamErrors.classify(
                        e.kind() == UpstreamHttp.NoAnswer.Kind.TIMEOUT
                                ? UpstreamErrors.TransportError.READ_TIMEOUT
                                : UpstreamErrors.TransportError.CONNECT_REFUSED,
                        e.getMessage());
                failures.add(f);
                return new Answer(null, null, f);
            }
        }

        long ms() {
            return (System.nanoTime() - started) / 1_000_000;
        }
    }

    /** One call's answer (null when none came), its bounded body, and its failure (null on success). */
    private record Answer(UpstreamAnswer answer, byte[] body, UpstreamFailure failure) {
        boolean ok() {
            return failure == null && answer != null;
        }
    }

    static List<String> modelIds(byte[] body) {
        List<String> ids = new ArrayList<>();
        JsonNode root = JSON.readTree(body);
        for (JsonNode m : root.path("data").values()) {
            String id = m.path("id").asString(null);
            if (id != null && !id.isBlank()) {
                ids.add(id);
            }
        }
        return ids;
    }

    static boolean hasToolCall(byte[] body) {
        if (body == null) {
            return false;
        }
        try {
            return JSON.readTree(body)
                    .at("/choices/0/message/tool_calls/0/function/name")
                    .isString();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static byte[] chat(String model, boolean stream, boolean tools, boolean image) {
        var root = JSON.createObjectNode().put("model", model).put("max_tokens", 8);
        var msg = root.putArray("messages").addObject().put("role", "user");
        if (image) {
            var content = msg.putArray("content");
            content.addObject().put("type", "text").put("text", "What colour is this? One word.");
            content.addObject().put("type", "image_url").putObject("image_url").put("url", PIXEL);
        } else {
            msg.put("content", tools ? "What is the weather in Paris? Use the tool." : "Reply with one word: ok");
        }
        if (stream) {
            root.put("stream", true);
        }
        if (tools) {
            var fn = root.putArray("tools").addObject().put("type", "function").putObject("function");
            fn.put("name", "get_weather").put("description", "Weather for a city");
            var params = fn.putObject("parameters").put("type", "object");
            params.putObject("properties").putObject("city").put("type", "string");
            params.putArray("required").add("city");
            root.put("tool_choice", "required");
        }
        return JSON.writeValueAsBytes(root);
    }

    static byte[] messages(String model, boolean stream) {
        var root = JSON.createObjectNode().put("model", model).put("max_tokens", 8);
        root.putArray("messages").addObject().put("role", "user").put("content", "Reply with one word: ok");
        if (stream) {
            root.put("stream", true);
        }
        return JSON.writeValueAsBytes(root);
    }

    static byte[] anthropicTools(String model) {
        var root = JSON.createObjectNode().put("model", model).put("max_tokens", 8);
        root.putArray("messages").addObject().put("role", "user").put("content", "What is the weather in Paris?");
        var tool =
                root.putArray("tools").addObject().put("name", "get_weather").put("description", "Weather for a city");
        var schema = tool.putObject("input_schema").put("type", "object");
        schema.putObject("properties").putObject("city").put("type", "string");
        schema.putArray("required").add("city");
        root.putObject("tool_choice").put("type", "any");
        return JSON.writeValueAsBytes(root);
    }

    static byte[] anthropicVision(String model) {
        var root = JSON.createObjectNode().put("model", model).put("max_tokens", 8);
        var content = root.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "text").put("text", "What colour is this? One word.");
        var source = content.addObject().put("type", "image").putObject("source");
        source.put("type", "base64")
                .put("media_type", "image/png")
                .put("data", PIXEL.substring(PIXEL.indexOf(',') + 1));
        return JSON.writeValueAsBytes(root);
    }

    static byte[] embeddingsBody(String model) {
        return JSON.writeValueAsBytes(
                JSON.createObjectNode().put("model", model).put("input", "ping"));
    }

    static byte[] responsesBody(String model) {
        return JSON.writeValueAsBytes(JSON.createObjectNode()
                .put("model", model)
                .put("input", "Reply with one word: ok")
                .put("max_output_tokens", 16)
                .put("store", false));
    }

    static byte[] countTokensBody(String model) {
        var root = JSON.createObjectNode().put("model", model);
        root.putArray("messages").addObject().put("role", "user").put("content", "ping");
        return JSON.writeValueAsBytes(root);
    }
}
