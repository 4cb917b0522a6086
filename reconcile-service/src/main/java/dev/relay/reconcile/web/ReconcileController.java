package dev.relay.reconcile.web;

import dev.relay.reconcile.ledger.LedgerView;
import dev.relay.reconcile.passes.Pass;
import dev.relay.reconcile.passes.PassStore;
import dev.relay.reconcile.passes.Passes;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/reconcile-runs}: start a pass (one run or all), list passes newest first (optionally of one run: its
 * history), read one with its findings (paged), and read or set a run's policy ({@code report}, the default, or
 * {@code repair}). Reached through the operator front (import-service routes {@code /api/reconcile-runs/**} here).
 */
@RestController
@RequestMapping("/api/reconcile-runs")
public class ReconcileController {

    private static final Set<String> REQUEST_FIELDS = Set.of("runId", "repair");

    private final Passes passes;
    private final PassStore store;
    private final LedgerView ledger;
    private final TransactionTemplate tx;
    private final Clock clock;

    public ReconcileController(Passes passes, PassStore store, LedgerView ledger, TransactionTemplate tx, Clock clock) {
        this.passes = passes;
        this.store = store;
        this.ledger = ledger;
        this.tx = tx;
        this.clock = clock;
    }

    @PostMapping
    public ResponseEntity<Map<String, Object>> start(@RequestBody(required = false) JsonNode body) {
        UUID runId = null;
        Boolean repair = null;
        if (body != null && !body.isNull() && !body.isMissingNode()) {
            if (!body.isObject()) {
                throw new ReconcileProblems.ProblemException(
                        HttpStatus.BAD_REQUEST,
                        "validation_failed",
                        "the body is a JSON object: {\"runId\", \"repair\"}");
            }
            for (String f : body.propertyNames()) {
                if (!REQUEST_FIELDS.contains(f)) {
                    throw new ReconcileProblems.ProblemException(
                            HttpStatus.BAD_REQUEST, "validation_failed", "unknown field '" + f + "'");
                }
            }
            JsonNode r = body.path("runId");
            if (!r.isMissingNode() && !r.isNull()) {
                runId = uuid(r.isString() ? r.asString() : r.toString(), "runId");
            }
            JsonNode p = body.path("repair");
            if (!p.isMissingNode() && !p.isNull()) {
                if (!p.isBoolean()) {
                    throw new ReconcileProblems.ProblemException(
                            HttpStatus.BAD_REQUEST, "validation_failed", "repair is true or false");
                }
                repair = p.asBoolean();
            }
        }
        UUID run = runId;
        if (run != null && !ledger.knowsRun(run)) {
            throw new ReconcileProblems.ProblemException(
                    HttpStatus.NOT_FOUND,
                    "run_not_found",
                    "no resources are recorded for run " + run + " (not provisioned yet, rolled back, or unknown)");
        }
        Boolean rep = repair;
        Pass pass = tx.execute(s -> passes.request(run, rep, "operator", "operator"));
        return ResponseEntity.accepted()
                .location(URI.create("/api/reconcile-runs/" + pass.id()))
                .body(view(pass));
    }

    @GetMapping
    public Map<String, Object> list(
            @RequestParam(required = false) String runId,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        UUID run = runId == null ? null : uuid(runId, "runId");
        int n = limit(limit, 50, 500);
        Instant afterAt = null;
        UUID afterId = null;
        if (cursor != null && !cursor.isBlank()) {
            String[] c = decode(cursor).split("\\|", 2);
            try {
                afterAt = Instant.parse(c[0]);
                afterId = UUID.fromString(c[1]);
            } catch (RuntimeException e) {
                throw invalidCursor();
            }
        }
        List<Pass> rows = store.page(run, afterAt, afterId, n + 1);
        boolean more = rows.size() > n;
        List<Map<String, Object>> data = new ArrayList<>();
        rows.stream().limit(n).forEach(p -> data.add(view(p)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", data);
        out.put("hasMore", more);
        Pass last = more ? rows.get(n - 1) : null;
        out.put("nextCursor", last == null ? null : encode(last.requestedAt() + "|" + last.id()));
        return out;
    }

    @GetMapping("/{id}")
    public Map<String, Object> one(@PathVariable String id) {
        Pass p = store.find(uuid(id, "id"), false)
                .orElseThrow(() -> new ReconcileProblems.ProblemException(
                        HttpStatus.NOT_FOUND, "reconcile_run_not_found", "no reconciliation pass " + id));
        Map<String, Object> out = view(p);
        out.putAll(findingsPage(p.id(), null, null));
        return out;
    }

    @GetMapping("/{id}/findings")
    public Map<String, Object> findings(
            @PathVariable String id,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        UUID passId = uuid(id, "id");
        if (store.find(passId, false).isEmpty()) {
            throw new ReconcileProblems.ProblemException(
                    HttpStatus.NOT_FOUND, "reconcile_run_not_found", "no reconciliation pass " + id);
        }
        Map<String, Object> page = findingsPage(passId, cursor, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", page.get("findings"));
        out.put("hasMore", page.get("findingsHasMore"));
        out.put("nextCursor", page.get("findingsNextCursor"));
        return out;
    }

    @GetMapping("/policies/{runId}")
    public Map<String, Object> policy(@PathVariable String runId) {
        UUID run = uuid(runId, "runId");
        return Map.of("runId", run, "policy", store.policy(run).orElse("report"));
    }

    @PutMapping("/policies/{runId}")
    public Map<String, Object> setPolicy(@PathVariable String runId, @RequestBody JsonNode body) {
        UUID run = uuid(runId, "runId");
        String policy = body == null ? null : body.path("policy").asString(null);
        if (policy == null || !(policy.equals("report") || policy.equals("repair")) || body.size() != 1) {
            throw new ReconcileProblems.ProblemException(
                    HttpStatus.BAD_REQUEST,
                    "validation_failed",
                    "the body is {\"policy\": \"report\"} or {\"policy\": \"repair\"}");
        }
        tx.executeWithoutResult(s -> store.setPolicy(run, policy, clock.instant()));
        return Map.of("runId", run, "policy", policy);
    }

    private Map<String, Object> findingsPage(UUID passId, String cursor, Integer limit) {
        int n = limit(limit, 100, 1000);
        int after = 0;
        if (cursor != null && !cursor.isBlank()) {
            try {
                after = Integer.parseInt(decode(cursor));
            } catch (NumberFormatException e) {
                throw invalidCursor();
            }
        }
        List<PassStore.StoredFinding> rows = store.findings(passId, after, n + 1);
        boolean more = rows.size() > n;
        List<Map<String, Object>> data = new ArrayList<>();
        rows.stream().limit(n).forEach(f -> data.add(view(f)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("findings", data);
        out.put("findingsHasMore", more);
        out.put(
                "findingsNextCursor",
                more ? encode(String.valueOf(rows.get(n - 1).seq())) : null);
        return out;
    }

    static Map<String, Object> view(Pass p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("runId", p.runId());
        m.put("trigger", p.trigger());
        m.put("repair", p.repair() == null ? "run_policy" : p.repair() ? "repair" : "report");
        m.put("state", p.state());
        m.put("status", p.status() == null ? null : p.status().toLowerCase(java.util.Locale.ROOT));
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("checked", p.checked());
        counts.put("drifted", p.drifted());
        counts.put("repaired", p.repaired());
        counts.put("exhaustedKeys", p.exhaustedKeys());
        m.put("counts", counts);
        m.put("attempts", p.attempts());
        m.put("error", p.error());
        m.put("requestedBy", p.requestedBy());
        m.put("requestedAt", p.requestedAt());
        m.put("startedAt", p.startedAt());
        m.put("completedAt", p.completedAt());
        return m;
    }

    static Map<String, Object> view(PassStore.StoredFinding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("kind", f.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("runId", f.runId());
        m.put("itemId", f.itemId());
        m.put("hostId", f.hostId());
        m.put("resourceKind", f.resourceKind());
        m.put("resourceId", f.resourceId());
        m.put("externalRef", f.externalRef());
        m.put("detail", f.detail());
        m.put("evidence", f.evidence());
        m.put("repair", f.repair());
        m.put("repairDetail", f.repairDetail());
        m.put("detectedAt", f.createdAt());
        m.put("updatedAt", f.updatedAt());
        return m;
    }

    private static UUID uuid(String v, String name) {
        try {
            return UUID.fromString(v.replace("\"", ""));
        } catch (RuntimeException e) {
            throw new ReconcileProblems.ProblemException(
                    HttpStatus.BAD_REQUEST, "invalid_parameter", name + " is not a UUID");
        }
    }

    private static int limit(Integer limit, int dflt, int max) {
        if (limit == null) {
            return dflt;
        }
        if (limit < 1 || limit > max) {
            throw new ReconcileProblems.ProblemException(
                    HttpStatus.BAD_REQUEST, "invalid_parameter", "limit must be 1 to " + max);
        }
        return limit;
    }

    private static String encode(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidCursor();
        }
    }

    private static ReconcileProblems.ProblemException invalidCursor() {
        return new ReconcileProblems.ProblemException(
                HttpStatus.BAD_REQUEST, "invalid_cursor", "cursor is not one this API returned");
    }
}
