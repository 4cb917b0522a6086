package dev.relay.access.confirmation;

import dev.relay.access.AccessProperties;
import dev.relay.access.edge.EdgeAdmins;
import dev.relay.access.items.AccessItems;
import dev.relay.access.items.AccessItems.Item;
import dev.relay.access.items.AccessItems.Stage;
import dev.relay.access.items.ItemTimers;
import dev.relay.contracts.AccessMode;
import dev.relay.contracts.AccessStatus;
import dev.relay.contracts.ApiBase;
import dev.relay.contracts.ApiBases;
import dev.relay.contracts.EventCodec;
import dev.relay.contracts.FailureClass;
import dev.relay.contracts.ItemConfirmationFailed;
import dev.relay.contracts.ItemConfirmed;
import dev.relay.contracts.ItemStage;
import dev.relay.contracts.ItemStageStarted;
import dev.relay.contracts.ModelEntry;
import dev.relay.contracts.ProbeCall;
import dev.relay.contracts.Protocol;
import dev.relay.contracts.SecretBox;
import dev.relay.contracts.UpstreamErrors;
import dev.relay.contracts.UpstreamErrors.Expect;
import dev.relay.contracts.UrlGuard;
import dev.relay.contracts.edge.EdgeAdmin;
import dev.relay.contracts.edge.EdgeAdminException;
import dev.relay.outbox.DurableTimers;
import dev.relay.outbox.OutboxWriter;
import dev.relay.outbox.TimerHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * The durable confirmation window (timer kind {@value #KIND}). After provisioning, an item is ready only when a client
 * can use it: once every live replica of the host serves the config version provisioning produced, the run's key —
 * pinned to each of the item's channels with {@code x-relay-channel} (proven by the host's admin token, metered as a
 * confirmation, never debited, never held against the channel's health) — must see every model the item exposes in
 * {@code GET /v1/models} through the edge's client URL, AND a minimal call must succeed for each model the operator
 * asked for (or the smoke model): a chat completion on an OpenAI channel, {@code /v1/messages} on an Anthropic one,
 * embeddings for an embedding model. Never ready on models alone.
 *
 * <p>Warm-up answers right after provisioning (401, 403, 404 {@code model_not_found} or {@code channel_not_found}, 503 {@code
 * no_available_channel}, a model not yet listed, a replica behind) are retried with backoff until the window closes;
 * each attempt is a timer run, so the window survives a restart and any replica may run it. Other failures are
 * retried a few times. When the window closes, the same minimal call is made directly to the upstream and the item is
 * classified: {@code HOST_COMPATIBILITY_GAP} (the upstream answers, the edge does not), {@code
 * UPSTREAM_KEY_QUOTA_ISSUE} (the upstream itself refuses with 429), or the probe classes.
 */
@Component
public class Confirmer implements TimerHandler {

    public static final String KIND = ItemTimers.CONFIRM;

    /** Non-warm-up failures in a row that end a window early (an upstream error is not a race). */
    static final int HARD_FAILURES = 3;

    private static final Logger log = LoggerFactory.getLogger(Confirmer.class);
    private static final String PROMPT = "Reply with the single word: ok";

    private final AccessItems items;
    private final EdgeAdmins admins;
    private final DurableTimers timers;
    private final OutboxWriter outbox;
    private final TransactionTemplate tx;
    private final SecretBox box;
    private final AccessProperties properties;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Calls calls;

    public Confirmer(
            AccessItems items,
            EdgeAdmins admins,
            DurableTimers timers,
            OutboxWriter outbox,
            TransactionTemplate tx,
            SecretBox box,
            AccessProperties properties,
            Clock clock,
            MeterRegistry metrics,
            HttpClient http,
            UrlGuard guard) {
        this.items = items;
        this.admins = admins;
        this.timers = timers;
        this.outbox = outbox;
        this.tx = tx;
        this.box = box;
        this.properties = properties;
        this.clock = clock;
        this.metrics = metrics;
        this.calls = new Calls(http, guard, properties.callTimeout());
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int concurrency() {
        return properties.confirmConcurrency();
    }

    /** One confirmation target: a model called on one of the item's channels. */
    record Target(Protocol protocol, String channelId, ModelEntry model) {}

    /** What one attempt found. */
    record Attempt(
            boolean ok,
            boolean warmUp,
            Calls.Answer failing,
            Target failingTarget,
            List<ProbeCall> evidence,
            long modelsMillis,
            long callMillis,
            String note) {}

    private record Probe(Calls.Answer answer, Expect expect) {}

    @Override
    public void fire(DurableTimers.Fired t) {
        UUID itemId = UUID.fromString(t.key());
        Optional<Item> found = items.find(itemId, false);
        if (found.isEmpty() || found.get().stage() != Stage.CONFIRMING) {
            tx.executeWithoutResult(s -> timers.complete(t));
            return;
        }
        Item item = found.get();
        if (item.tries() == 0 && t.attempts() == 0) {
            tx.executeWithoutResult(s -> outbox.append(
                    new ItemStageStarted(item.runId(), itemId, item.attempt(), ItemStage.CONFIRMING, clock.instant())));
        }
        Attempt a;
        try {
            a = attempt(item);
        } catch (IllegalArgumentException e) {
            // a sealed secret that does not open with this master key: the window cannot succeed, close it now
            log.warn("confirming item {} cannot open its secrets: {}", itemId, e.getMessage());
            Attempt broken = new Attempt(
                    false,
                    false,
                    null,
                    null,
                    List.of(),
                    0,
                    0,
                    "a sealed secret of the item or its host does not open with this service's master key");
            tx.executeWithoutResult(s -> {
                if (!failed(t, item, broken, FailureClass.INTERNAL, List.of())) {
                    s.setRollbackOnly();
                }
            });
            return;
        }
        Instant now = clock.instant();
        Instant closes = item.windowOpenedAt().plus(properties.confirmationWindow());
        int tries = item.tries() + 1;
        if (a.ok()) {
            tx.executeWithoutResult(s -> {
                if (!confirmed(t, item, a)) {
                    s.setRollbackOnly();
                }
            });
            metrics.counter("relay_access_confirmations", "outcome", "ready").increment();
            return;
        }
        int hard = a.warmUp() ? 0 : hardFailuresBefore(t.payload()) + 1;
        if (now.isBefore(closes) && hard < HARD_FAILURES) {
            Instant next = now.plus(delay(tries));
            if (next.isAfter(closes)) {
                next = closes;
            }
            Instant due = next;
            tx.executeWithoutResult(s -> {
                if (!stillOurs(item) || !timers.reschedule(t, due, a.warmUp() ? "warm-up" : "hard:" + hard)) {
                    s.setRollbackOnly();
                    return;
                }
                items.attempted(item.itemId(), tries, json(a.evidence()), now);
            });
            return;
        }
        // the window closed (or the edge kept failing for a reason that is not a race): ask the upstream directly
        List<ProbeCall> direct = new ArrayList<>();
        FailureClass cls = classify(item, a, direct);
        tx.executeWithoutResult(s -> {
            if (!failed(t, item, a, cls, direct)) {
                s.setRollbackOnly();
            }
        });
        metrics.counter("relay_access_confirmations", "outcome", cls.name()).increment();
    }

    /** The timer's payload counts the failures in a row that were not warm-up races ({@code hard:N}). */
    static int hardFailuresBefore(String payload) {
        if (payload == null || !payload.startsWith("hard:")) {
            return 0;
        }
        try {
            return Integer.parseInt(payload.substring(5));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    Attempt attempt(Item item) {
        return attempt(item, "confirmation");
    }

    /**
     * One attempt, metered by the edge as {@code purpose} ({@code confirmation} inside the window, {@code
     * verification} when reconcile re-verifies a ready item): never debited either way.
     */
    Attempt attempt(Item item, String purpose) {
        List<ProbeCall> evidence = new ArrayList<>();
        EdgeAdmin admin;
        try {
            admin = admins.forHost(item.hostId());
        } catch (EdgeAdminException e) {
            evidence.add(new ProbeCall("GET", "/admin/v1/config/replicas", null, 0, e.getMessage()));
            return new Attempt(false, true, null, null, evidence, 0, 0, e.getMessage());
        }
        // 1. every live replica serves what provisioning changed
        try {
            long start = System.nanoTime();
            long want = item.configVersion() == null ? 0 : item.configVersion();
            EdgeAdmin.Replicas r = admins.replicasServing(admin, want);
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            List<String> behind = r.replicas().stream()
                    .filter(x -> x.configVersion() < want)
                    .map(x -> x.replicaId() + "@" + x.configVersion())
                    .toList();
            if (!behind.isEmpty()) {
                String note = "replicas behind config version " + want + ": " + String.join(", ", behind);
                evidence.add(new ProbeCall("GET", "/admin/v1/config/replicas", 200, ms, note));
                return new Attempt(false, true, null, null, evidence, 0, 0, note);
            }
        } catch (EdgeAdminException e) {
            if (e.status() != 404) { // an edge without the replica list: go on and let the calls tell
                evidence.add(new ProbeCall(
                        "GET",
                        "/admin/v1/config/replicas",
                        e.status() == 0 ? null : e.status(),
                        0,
                        UpstreamErrors.redact(e.getMessage())));
                return new Attempt(false, true, null, null, evidence, 0, 0, e.getMessage());
            }
        }
        String clientKey = box.open(item.submitted().access().clientKey());
        String adminToken = box.open(admin.host().adminToken());
        String base = admin.host().clientUrl();
        long modelsMillis = 0;
        long callMillis = 0;
        for (Map.Entry<String, String> ch : item.channelIds().entrySet()) {
            Protocol protocol = Protocol.valueOf(ch.getKey());
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Authorization", "Bearer " + clientKey);
            headers.put("x-admin-token", adminToken);
            headers.put("x-relay-channel", ch.getValue());
            headers.put("x-relay-purpose", purpose);
            // 2. the models the item exposes are listed for the run's key on this channel
            Calls.Answer models = calls.edge(base, "GET", "/v1/models", null, headers);
            evidence.add(models.evidence());
            modelsMillis += models.evidence().latencyMillis();
            Optional<UpstreamErrors.UpstreamFailure> bad = models.failure(Expect.MODEL_LIST);
            if (bad.isPresent()) {
                return new Attempt(
                        false,
                        warmUp(models),
                        models,
                        null,
                        evidence,
                        modelsMillis,
                        callMillis,
                        "GET /v1/models through the edge failed");
            }
            Set<String> listed = new HashSet<>();
            models.body().path("data").forEach(m -> listed.add(m.path("id").asString()));
            List<String> missing = item.probe().models().stream()
                    .map(ModelEntry::publicName)
                    .filter(m -> !listed.contains(m))
                    .toList();
            if (!missing.isEmpty()) {
                return new Attempt(
                        false,
                        true,
                        models,
                        null,
                        evidence,
                        modelsMillis,
                        callMillis,
                        "the edge does not list " + String.join(", ", missing) + " for the run's key yet");
            }
            // 3. a minimal call succeeds for each model to test
            for (ModelEntry m : targets(item)) {
                Target target = new Target(protocol, ch.getValue(), m);
                Probe answer = callEdge(base, headers, clientKey, target);
                if (answer == null) {
                    continue; // e.g. an embedding model on an Anthropic channel: nothing to call there
                }
                evidence.add(answer.answer().evidence());
                callMillis += answer.answer().evidence().latencyMillis();
                if (answer.answer().failure(answer.expect()).isPresent()) {
                    return new Attempt(
                            false,
                            warmUp(answer.answer()),
                            answer.answer(),
                            target,
                            evidence,
                            modelsMillis,
                            callMillis,
                            "a minimal call through the edge failed");
                }
            }
        }
        return new Attempt(true, false, null, null, evidence, modelsMillis, callMillis, "ready");
    }

    /** The models to call: the ones the operator asked for (by public or upstream name), else the smoke model. */
    static List<ModelEntry> targets(Item item) {
        List<String> asked = item.submitted().requestedModels();
        List<ModelEntry> all = item.probe().models();
        List<ModelEntry> out = new ArrayList<>();
        for (ModelEntry m : all) {
            if (asked.contains(m.publicName()) || asked.contains(m.upstreamName())) {
                out.add(m);
            }
        }
        if (out.isEmpty()) {
            String smoke = item.probe().smokeModel();
            all.stream()
                    .filter(m ->
                            m.publicName().equals(smoke) || m.upstreamName().equals(smoke))
                    .findFirst()
                    .or(() -> all.stream().findFirst())
                    .ifPresent(out::add);
        }
        return out;
    }

    private Probe callEdge(String base, Map<String, String> headers, String clientKey, Target t) {
        ObjectNode body = EventCodec.mapper().createObjectNode();
        body.put("model", t.model().publicName());
        if (t.model().kind() == ModelEntry.ModelKind.EMBEDDING) {
            if (t.protocol() != Protocol.OPENAI) {
                return null;
            }
            body.put("input", "ok");
            return new Probe(calls.edge(base, "POST", "/v1/embeddings", body, headers), Expect.EMBEDDINGS);
        }
        if (t.protocol() == Protocol.ANTHROPIC) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.remove("Authorization");
            h.put("x-api-key", clientKey);
            h.put("anthropic-version", "2023-06-01");
            body.put("max_tokens", 16);
            body.putArray("messages").addObject().put("role", "user").put("content", PROMPT);
            return new Probe(calls.edge(base, "POST", "/v1/messages", body, h), Expect.ANTHROPIC_MESSAGE);
        }
        body.put("max_tokens", 16);
        body.putArray("messages").addObject().put("role", "user").put("content", PROMPT);
        return new Probe(calls.edge(base, "POST", "/v1/chat/completions", body, headers), Expect.CHAT_COMPLETION);
    }

    /** A warm-up race right after provisioning, as the edge answers it. */
    static boolean warmUp(Calls.Answer a) {
        if (a.status() == null) {
            return false;
        }
        int s = a.status();
        return s == 401
                || s == 403
                || s == 404 && ("model_not_found".equals(a.errorCode()) || "channel_not_found".equals(a.errorCode()))
                || s == 503 && "no_available_channel".equals(a.errorCode());
    }

    /** The window closed: the same minimal call straight to the upstream tells where the problem is. */
    FailureClass classify(Item item, Attempt a, List<ProbeCall> direct) {
        Target target = a.failingTarget();
        if (target == null) {
            // the models list never showed the item's models (or a replica never caught up): the edge is at fault
            // unless the upstream itself fails the smoke call
            List<ModelEntry> ts = targets(item);
            Protocol p = item.channelIds().keySet().stream()
                    .map(Protocol::valueOf)
                    .findFirst()
                    .orElse(Protocol.OPENAI);
            target = ts.isEmpty() ? null : new Target(p, item.channelIds().get(p.name()), ts.get(0));
        }
        if (target == null) {
            return FailureClass.MODEL_NOT_FOUND;
        }
        Probe answer = callDirect(item, target);
        if (answer == null) {
            return FailureClass.HOST_COMPATIBILITY_GAP;
        }
        direct.add(answer.answer().evidence());
        Optional<UpstreamErrors.UpstreamFailure> f = answer.answer().failure(answer.expect());
        if (f.isEmpty()) {
            return FailureClass.HOST_COMPATIBILITY_GAP;
        }
        if (answer.answer().status() != null && answer.answer().status() == 429) {
            return FailureClass.UPSTREAM_KEY_QUOTA_ISSUE;
        }
        return f.get().failureClass();
    }

    private Probe callDirect(Item item, Target t) {
        ApiBase base = item.probe().apiBases().stream()
                .filter(b -> b.protocol() == t.protocol())
                .findFirst()
                .orElse(null);
        if (base == null) {
            return null;
        }
        String apiBase = ApiBases.normalise(base.baseUrl()).toString();
        String key = box.open(item.submitted().apiKey());
        Map<String, String> headers = new LinkedHashMap<>(item.submitted().extraHeaders());
        ObjectNode body = EventCodec.mapper().createObjectNode();
        body.put("model", t.model().upstreamName());
        if (t.model().kind() == ModelEntry.ModelKind.EMBEDDING) {
            headers.put("Authorization", "Bearer " + key);
            body.put("input", "ok");
            return new Probe(
                    calls.direct(URI.create(apiBase + "/embeddings"), "POST", body, headers), Expect.EMBEDDINGS);
        }
        body.put("max_tokens", 16);
        body.putArray("messages").addObject().put("role", "user").put("content", PROMPT);
        if (t.protocol() == Protocol.ANTHROPIC) {
            headers.put("x-api-key", key);
            headers.put("anthropic-version", "2023-06-01");
            return new Probe(
                    calls.direct(URI.create(apiBase + "/messages"), "POST", body, headers), Expect.ANTHROPIC_MESSAGE);
        }
        headers.put("Authorization", "Bearer " + key);
        return new Probe(
                calls.direct(URI.create(apiBase + "/chat/completions"), "POST", body, headers), Expect.CHAT_COMPLETION);
    }

    private boolean stillOurs(Item ran) {
        Item now = items.find(ran.itemId(), true).orElse(null);
        return now != null && now.stage() == Stage.CONFIRMING && now.attempt() == ran.attempt();
    }

    private boolean confirmed(DurableTimers.Fired t, Item ran, Attempt a) {
        if (!stillOurs(ran)) {
            timers.complete(t);
            return true;
        }
        if (!timers.complete(t)) {
            return false;
        }
        Instant at = clock.instant();
        ProbeCall last = a.evidence().get(a.evidence().size() - 1);
        items.completed(ran.itemId(), Stage.READY, completion(true, last.status(), "ok", last.preview()), at);
        AccessStatus status = ran.submitted().access().mode() == AccessMode.SUBSCRIPTION
                ? AccessStatus.SUBSCRIPTION_READY
                : AccessStatus.SELF_SERVICE_READY;
        outbox.append(new ItemConfirmed(
                ran.runId(),
                ran.itemId(),
                ran.attempt(),
                ran.probe().smokeModel(),
                status,
                a.evidence(),
                a.modelsMillis(),
                a.callMillis(),
                at));
        return true;
    }

    private boolean failed(DurableTimers.Fired t, Item ran, Attempt a, FailureClass cls, List<ProbeCall> direct) {
        if (!stillOurs(ran)) {
            timers.complete(t);
            return true;
        }
        if (!timers.complete(t)) {
            return false;
        }
        Instant at = clock.instant();
        Integer edgeStatus = a.failing() == null ? null : a.failing().status();
        ProbeCall last =
                a.evidence().isEmpty() ? null : a.evidence().get(a.evidence().size() - 1);
        String detail = cls == FailureClass.INTERNAL ? a.note() : a.note() + "; " + explain(cls);
        items.completed(
                ran.itemId(),
                Stage.FAILED,
                completion(false, edgeStatus, cls.name(), last == null ? null : last.preview()),
                at);
        outbox.append(new ItemConfirmationFailed(
                ran.runId(), ran.itemId(), ran.attempt(), cls, detail, edgeStatus, a.evidence(), direct, at));
        log.info("item {} not confirmed: {}", ran.itemId(), cls);
        return true;
    }

    static String explain(FailureClass cls) {
        return switch (cls) {
            case HOST_COMPATIBILITY_GAP -> "the upstream answers the same call directly, the edge does not";
            case UPSTREAM_KEY_QUOTA_ISSUE -> "the upstream itself refuses the key with 429";
            case AUTH_INVALID -> "the upstream refuses the key";
            case MODEL_NOT_FOUND -> "the upstream does not serve the model";
            case URL_NOT_ALLOWED -> "the upstream address may not be called directly; the edge did not answer";
            default -> "the upstream fails the same call directly (" + cls + ")";
        };
    }

    private static String completion(boolean ok, Integer status, String type, String preview) {
        ObjectNode c = EventCodec.mapper().createObjectNode();
        c.put("ok", ok);
        c.put("status", status);
        c.put("type", type);
        c.put("preview", preview);
        return c.toString();
    }

    private static String json(List<ProbeCall> evidence) {
        return EventCodec.mapper().writeValueAsString(evidence);
    }

    Duration delay(int tries) {
        long first = properties.confirmationFirstDelay().toMillis();
        long ms = first << Math.min(tries - 1, 10);
        return Duration.ofMillis(Math.min(ms, properties.confirmationMaxDelay().toMillis()));
    }
}
