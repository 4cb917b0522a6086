package dev.relay.imports.console;

import dev.relay.imports.ImportProperties;
import dev.relay.imports.runs.CommandService;
import dev.relay.imports.runs.ItemState;
import dev.relay.imports.runs.RunRequest;
import dev.relay.imports.runs.RunRequestParser;
import dev.relay.imports.runs.RunViews;
import dev.relay.imports.runs.SubmissionService;
import dev.relay.imports.web.ProblemException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator console (docs/operations.md#the-operator-console): server-rendered pages over the same services the
 * operator API uses — runs, a new import, a run's detail with its actions, the edge's channels, usage, consumers and
 * reconciliation — kept live by server-sent events ({@link ConsoleStream}). Other services' data comes through
 * their APIs ({@link ConsoleApis}).
 */
@Controller
public class ConsoleController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ConsoleAuthFilter auth;
    private final RunViews views;
    private final SubmissionService submissions;
    private final CommandService commands;
    private final ConsoleApis apis;
    private final ConsoleStream stream;
    private final ImportProperties properties;
    private final Clock clock;
    private final ConsoleJson consoleJson;

    public ConsoleController(
            ConsoleAuthFilter auth,
            RunViews views,
            SubmissionService submissions,
            CommandService commands,
            ConsoleApis apis,
            ConsoleStream stream,
            ImportProperties properties,
            Clock clock,
            ConsoleJson consoleJson) {
        this.consoleJson = consoleJson;
        this.auth = auth;
        this.views = views;
        this.submissions = submissions;
        this.commands = commands;
        this.apis = apis;
        this.stream = stream;
        this.properties = properties;
        this.clock = clock;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(JsonNode n) {
        return n == null ? Map.of() : JSON.treeToValue(n, LinkedHashMap.class);
    }

    static List<Object> list(JsonNode n) {
        List<Object> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(x -> out.add(x.isObject() ? map(x) : JSON.treeToValue(x, Object.class)));
        }
        return out;
    }

    private static void page(Model model, HttpSession session, String active, String title) {
        model.addAttribute("active", active);
        model.addAttribute("title", title);
        model.addAttribute("csrf", session.getAttribute(ConsoleAuthFilter.CSRF));
    }

    // ---- login --------------------------------------------------------------------------------------------------

    @GetMapping("/")
    public String root() {
        return "redirect:/console/runs";
    }

    @GetMapping({"/console", "/console/"})
    public String console() {
        return "redirect:/console/runs";
    }

    @GetMapping("/console/login")
    public String loginPage(@RequestParam(required = false) String next, Model model) {
        model.addAttribute("next", safeNext(next));
        return "console/login";
    }

    @PostMapping("/console/login")
    public String login(
            @RequestParam(required = false) String token,
            @RequestParam(required = false) String next,
            HttpServletRequest request,
            Model model) {
        if (!auth.valid(token)) {
            model.addAttribute("next", safeNext(next));
            model.addAttribute(
                    "error",
                    "That is not the operator token. It is RELAY_OPERATOR_TOKEN in" + " infra/.run/secrets.env.");
            return "console/login";
        }
        ConsoleAuthFilter.login(request);
        return "redirect:" + safeNext(next);
    }

    @PostMapping("/console/logout")
    public String logout(HttpServletRequest request) {
        HttpSession s = request.getSession(false);
        if (s != null) {
            s.invalidate();
        }
        return "redirect:/console/login";
    }

    /** Only a console path of this site: never an open redirect. */
    static String safeNext(String next) {
        if (next == null
                || !next.startsWith("/console/")
                || next.startsWith("//")
                || next.contains("\\")
                || next.startsWith("/console/login")) {
            return "/console/runs";
        }
        return next;
    }

    // ---- live ---------------------------------------------------------------------------------------------------

    @GetMapping("/console/stream")
    @ResponseBody
    public SseEmitter live() {
        return stream.open();
    }

    // ---- runs ---------------------------------------------------------------------------------------------------

    @GetMapping("/console/runs")
    public String runs(
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String cursor,
            Model model,
            HttpSession session) {
        page(model, session, "runs", "Runs");
        runRows(status, cursor, model);
        return "console/runs";
    }

    @GetMapping("/console/runs/rows")
    public String runRowsFragment(
            @RequestParam(required = false) String status, @RequestParam(required = false) String cursor, Model model) {
        runRows(status, cursor, model);
        return "console/runs :: rows";
    }

    private void runRows(String status, String cursor, Model model) {
        String st = status == null || status.isBlank() ? null : status;
        JsonNode page;
        try {
            page = views.runPage(st, cursor == null || cursor.isBlank() ? null : cursor, 25);
        } catch (ProblemException e) {
            page = views.runPage(st, null, 25);
            model.addAttribute("notice", "That page link is no longer valid; showing the newest runs.");
        }
        model.addAttribute("runs", list(page.get("data")));
        model.addAttribute("status", st == null ? "" : st);
        model.addAttribute("statuses", List.of("running", "succeeded", "partially_succeeded", "failed"));
        model.addAttribute(
                "nextCursor",
                page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null);
    }

    @GetMapping("/console/runs/new")
    public String newRun(Model model, HttpSession session) {
        page(model, session, "new", "New import");
        model.addAttribute("form", Map.of("name", "", "lines", "", "mode", "self_service", "balance", ""));
        model.addAttribute("hosts", List.of(properties.defaultHost()));
        return "console/new";
    }

    @PostMapping("/console/runs")
    public String submit(
            @RequestParam(defaultValue = "") String name,
            @RequestParam(defaultValue = "") String lines,
            @RequestParam(defaultValue = "self_service") String mode,
            @RequestParam(defaultValue = "") String balance,
            @RequestParam(defaultValue = "") String allowance,
            @RequestParam(defaultValue = "month") String period,
            Model model,
            HttpSession session,
            RedirectAttributes redirect) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("name", name.isBlank() ? "console import" : name);
        query.put("mode", mode);
        if (!balance.isBlank()) {
            query.put("balanceTokens", balance.trim());
        }
        if (!allowance.isBlank()) {
            query.put("allowanceTokens", allowance.trim());
            query.put("period", period);
        }
        RunRequestParser parser =
                new RunRequestParser(properties.maxItems(), properties.defaultHost(), clock.instant());
        try {
            RunRequest req = parser.lines(lines, false, query);
            SubmissionService.Submitted s = submissions.submit(req, null, null);
            JsonNode created = JSON.readTree(s.body());
            redirect.addFlashAttribute("clientKey", created.path("clientKey").asString(null));
            return "redirect:/console/runs/" + s.runId();
        } catch (RunRequestParser.Invalid invalid) {
            page(model, session, "new", "New import");
            Map<String, String> form = new LinkedHashMap<>();
            form.put("name", name);
            form.put("lines", lines);
            form.put("mode", mode);
            form.put("balance", balance);
            model.addAttribute("form", form);
            model.addAttribute("hosts", List.of(properties.defaultHost()));
            List<String> errors = new ArrayList<>();
            invalid.errors()
                    .forEach(e -> errors.add((e.item() == null ? "" : "line " + (e.item() + 1) + ": ")
                            + (e.field() == null ? "" : e.field() + " — ")
                            + e.message()));
            model.addAttribute("errors", errors);
            return "console/new";
        } catch (ProblemException e) {
            page(model, session, "new", "New import");
            model.addAttribute("form", Map.of("name", name, "lines", lines, "mode", mode, "balance", balance));
            model.addAttribute("hosts", List.of(properties.defaultHost()));
            model.addAttribute("errors", List.of(String.valueOf(e.problem().getDetail())));
            return "console/new";
        }
    }

    @GetMapping("/console/runs/{runId}")
    public String run(
            @PathVariable UUID runId,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String cursor,
            Model model,
            HttpSession session) {
        page(model, session, "runs", "Run");
        runDetail(runId, state, cursor, model);
        lastPass(runId, model);
        return "console/run";
    }

    @GetMapping("/console/runs/{runId}/items")
    public String runItems(
            @PathVariable UUID runId,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String cursor,
            Model model,
            HttpSession session) {
        model.addAttribute("csrf", session.getAttribute(ConsoleAuthFilter.CSRF)); // the re-rendered forms need it
        runDetail(runId, state, cursor, model);
        lastPass(runId, model);
        return "console/run :: live";
    }

    /** The run's last reconcile pass, and per item what it found (shown in the item's row). */
    private void lastPass(UUID runId, Model model) {
        Map<String, List<String>> drift = new LinkedHashMap<>();
        JsonNode reconcile = apis.reconcile("GET", "/api/reconcile-runs?limit=1&runId=" + runId, null)
                .body();
        if (reconcile != null && reconcile.path("data").size() > 0) {
            JsonNode pass = reconcile.path("data").get(0);
            model.addAttribute("lastPass", map(pass));
            JsonNode full = apis.reconcile(
                            "GET", "/api/reconcile-runs/" + pass.path("id").asString(), null)
                    .body();
            if (full != null) {
                for (JsonNode f : full.path("findings")) {
                    if (f.path("itemId").isString()) {
                        drift.computeIfAbsent(f.path("itemId").asString(), k -> new ArrayList<>())
                                .add(f.path("kind").asString().replace('_', ' ') + " (repair: "
                                        + f.path("repair").asString().replace('_', ' ') + ")");
                    }
                }
            }
        }
        model.addAttribute("drift", drift);
    }

    private void runDetail(UUID runId, String state, String cursor, Model model) {
        JsonNode run = views.run(runId, false);
        ItemState filter = null;
        if (state != null && !state.isBlank()) {
            try {
                filter = ItemState.valueOf(state.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                model.addAttribute("notice", "Unknown state '" + state + "'; showing every item.");
            }
        }
        JsonNode items = views.itemPage(runId, filter, cursor == null || cursor.isBlank() ? null : cursor, 100);
        model.addAttribute("run", map(run));
        List<Object> rows = list(items.get("data"));
        for (int i = 0; i < rows.size(); i++) {
            JsonNode models = items.get("data").get(i).path("models");
            List<String> names = new ArrayList<>();
            models.forEach(m -> names.add(m.isObject() ? m.path("publicName").asString(m.toString()) : m.asString()));
            @SuppressWarnings("unchecked")
            Map<String, Object> row = (Map<String, Object>) rows.get(i);
            row.put("modelNames", names.isEmpty() ? null : String.join(", ", names));
        }
        model.addAttribute("items", rows);
        model.addAttribute("state", filter == null ? "" : filter.name());
        model.addAttribute("states", List.of(ItemState.values()));
        model.addAttribute(
                "nextCursor",
                items.path("nextCursor").isString() ? items.path("nextCursor").asString() : null);
    }

    @PostMapping("/console/runs/{runId}/rollback")
    public String rollbackRun(@PathVariable UUID runId, RedirectAttributes redirect) {
        int n = commands.rollbackRun(runId, "console");
        redirect.addFlashAttribute(
                "notice",
                "Rollback asked for " + n + " item(s); they turn ROLLED_BACK as access" + " removes their resources.");
        return "redirect:/console/runs/" + runId;
    }

    @PostMapping("/console/runs/{runId}/items/{itemId}/{action}")
    public String itemAction(
            @PathVariable UUID runId,
            @PathVariable UUID itemId,
            @PathVariable String action,
            RedirectAttributes redirect) {
        try {
            switch (action) {
                case "rollback" -> commands.rollback(runId, itemId, "console");
                case "retry" -> commands.retry(runId, itemId, "console");
                case "cancel" -> commands.cancel(runId, itemId, "console");
                default -> throw new IllegalArgumentException(action);
            }
            redirect.addFlashAttribute(
                    "notice",
                    switch (action) {
                        case "rollback" -> "Rollback asked for the item.";
                        case "retry" -> "The item will be tried again.";
                        default -> "The item is being cancelled.";
                    });
        } catch (ProblemException e) {
            redirect.addFlashAttribute("error", String.valueOf(e.problem().getDetail()));
        } catch (IllegalArgumentException e) {
            redirect.addFlashAttribute("error", "Unknown action.");
        }
        return "redirect:/console/runs/" + runId;
    }

    // ---- edge, usage, consumers, reconcile ----------------------------------------------------------------------

    @GetMapping("/console/edge")
    public String edge(
            @RequestParam(required = false) String host,
            @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "0") int page,
            Model model,
            HttpSession session) {
        page(model, session, "edge", "Edge");
        String h = host == null || host.isBlank() ? properties.defaultHost() : host;
        String st = status == null || status.isBlank() ? "" : status;
        model.addAttribute("host", h);
        model.addAttribute("status", st);
        model.addAttribute("statuses", List.of("ENABLED", "AUTO_DISABLED", "DISABLED"));
        ConsoleApis.Answer channels = apis.edge(h, "/channels" + (st.isEmpty() ? "" : "?status=" + enc(st)));
        if (!channels.ok()) {
            model.addAttribute("error", channels.problem());
            model.addAttribute("channels", List.of());
        } else {
            // the admin API answers the whole list; the page shows it 100 at a time
            JsonNode all = channels.body().path("data");
            int from = Math.max(0, page) * 100;
            List<Object> shown = new ArrayList<>();
            for (int i = from; i < Math.min(all.size(), from + 100); i++) {
                shown.add(map(all.get(i)));
            }
            model.addAttribute("channels", shown);
            model.addAttribute("total", all.size());
            model.addAttribute("nextPage", from + 100 < all.size() ? page + 1 : null);
        }
        // each channel's health as the answering replica sees it (cooldowns are per replica)
        ConsoleApis.Answer effective = apis.edgeInternal(h, "/internal/effective-config");
        Map<String, Map<String, Object>> health = new LinkedHashMap<>();
        if (effective.ok()) {
            for (JsonNode ch : effective.body().path("channels")) {
                if (ch.path("health").isObject()) {
                    health.put(ch.path("id").asString(), map(ch.path("health")));
                }
            }
        }
        model.addAttribute("health", health);
        ConsoleApis.Answer replicas = apis.edge(h, "/config/replicas");
        if (replicas.ok()) {
            model.addAttribute("replicas", list(replicas.body().path("data")));
            model.addAttribute(
                    "configVersion", replicas.body().path("configVersion").asLong());
        }
        ConsoleApis.Answer errors = apis.access("GET", "/api/usage/summary?groupBy=channel&bucket=day", null, Map.of());
        if (errors.ok()) {
            Map<String, Map<String, Object>> byChannel = new LinkedHashMap<>();
            for (JsonNode row : errors.body().path("data")) {
                byChannel.put(row.path("group").asString(), map(row));
            }
            model.addAttribute("usageByChannel", byChannel);
        }
        return "console/edge";
    }

    @GetMapping("/console/usage")
    public String usage(
            @RequestParam(defaultValue = "model") String groupBy,
            @RequestParam(required = false) String model,
            @RequestParam(required = false) String key,
            @RequestParam(required = false) String cursor,
            Model view,
            HttpSession session,
            HttpServletRequest request) {
        page(view, session, "usage", "Usage");
        view.addAttribute("self", self(request));
        String by = List.of("model", "key", "consumer", "channel").contains(groupBy) ? groupBy : "model";
        view.addAttribute("groupBy", by);
        view.addAttribute("model", model == null ? "" : model);
        view.addAttribute("key", key == null ? "" : key);
        ConsoleApis.Answer summary = apis.access("GET", "/api/usage/summary?bucket=hour&groupBy=" + by, null, Map.of());
        view.addAttribute("groupBys", List.of("model", "key", "consumer", "channel"));
        if (summary.ok()) {
            view.addAttribute("chartJson", consoleJson.write(summary.body().path("data")));
        } else {
            view.addAttribute("error", summary.problem());
            view.addAttribute("chartJson", "[]");
        }
        StringBuilder q = new StringBuilder("/api/usage/requests?limit=50");
        if (model != null && !model.isBlank()) {
            q.append("&model=").append(enc(model));
        }
        if (key != null && !key.isBlank()) {
            q.append("&key=").append(enc(key));
        }
        if (cursor != null && !cursor.isBlank()) {
            q.append("&cursor=").append(enc(cursor));
        }
        ConsoleApis.Answer requests = apis.access("GET", q.toString(), null, Map.of());
        view.addAttribute("requests", requests.ok() ? list(requests.body().path("data")) : List.of());
        view.addAttribute(
                "nextCursor",
                requests.ok() && requests.body().path("nextCursor").isString()
                        ? requests.body().path("nextCursor").asString()
                        : null);
        if (!requests.ok() && summary.ok()) {
            view.addAttribute("error", requests.problem());
        }
        return "console/usage";
    }

    @GetMapping("/console/consumers")
    public String consumers(@RequestParam(required = false) String cursor, Model model, HttpSession session) {
        page(model, session, "consumers", "Consumers");
        model.addAttribute("idem", UUID.randomUUID()); // one top-up per form render, however often it is sent
        ConsoleApis.Answer a = apis.access(
                "GET",
                "/api/consumers?limit=50" + (cursor == null || cursor.isBlank() ? "" : "&cursor=" + enc(cursor)),
                null,
                Map.of());
        if (a.ok()) {
            List<Object> rows = list(a.body().path("data"));
            for (Object o : rows) {
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) o;
                // the list has no subscriptions; each consumer's own read has them with their current period
                ConsoleApis.Answer one = apis.access("GET", "/api/consumers/" + c.get("id"), null, Map.of());
                List<Map<String, Object>> subs = new ArrayList<>();
                if (one.ok()) {
                    for (JsonNode sub : one.body().path("subscriptions")) {
                        JsonNode cur = sub.path("current");
                        String text = sub.path("period").asString("") + " allowance "
                                + sub.path("allowanceTokens").asString("")
                                + (cur.isObject()
                                        ? ", " + cur.path("usedTokens").asString("0") + " used since "
                                                + cur.path("periodStart").asString("")
                                        : "")
                                + " (" + sub.path("state").asString("") + ")";
                        subs.add(Map.of("summary", text));
                    }
                }
                c.put("subscriptions", subs);
            }
            model.addAttribute("consumers", rows);
            model.addAttribute(
                    "nextCursor",
                    a.body().path("nextCursor").isString()
                            ? a.body().path("nextCursor").asString()
                            : null);
        } else {
            model.addAttribute("consumers", List.of());
            model.addAttribute("error", a.problem());
        }
        return "console/consumers";
    }

    @PostMapping("/console/consumers/{consumerId}/top-up")
    public String topUp(
            @PathVariable UUID consumerId,
            @RequestParam(defaultValue = "") String tokens,
            @RequestParam(defaultValue = "") String note,
            @RequestParam(defaultValue = "") String idempotencyKey,
            RedirectAttributes redirect) {
        long n;
        try {
            n = Long.parseLong(tokens.trim());
        } catch (NumberFormatException e) {
            redirect.addFlashAttribute("error", "Top-up: give a whole number of tokens.");
            return "redirect:/console/consumers";
        }
        String body = JSON.createObjectNode().put("tokens", n).put("note", note).toString();
        ConsoleApis.Answer a = apis.access(
                "POST",
                "/api/consumers/" + consumerId + "/top-ups",
                body,
                Map.of(
                        "Idempotency-Key",
                        idempotencyKey.isBlank() ? UUID.randomUUID().toString() : idempotencyKey));
        if (a.ok()) {
            redirect.addFlashAttribute("notice", "Topped up " + n + " tokens.");
        } else {
            redirect.addFlashAttribute("error", a.problem());
        }
        return "redirect:/console/consumers";
    }

    @GetMapping("/console/reconcile")
    public String reconcile(
            @RequestParam(required = false) String pass, Model model, HttpSession session, HttpServletRequest request) {
        page(model, session, "reconcile", "Reconcile");
        model.addAttribute("self", self(request));
        ConsoleApis.Answer passes = apis.reconcile("GET", "/api/reconcile-runs?limit=25", null);
        if (!passes.ok()) {
            model.addAttribute("error", passes.problem());
            model.addAttribute("passes", List.of());
            return "console/reconcile";
        }
        model.addAttribute("passes", list(passes.body().path("data")));
        String show = pass;
        if ((show == null || show.isBlank()) && passes.body().path("data").size() > 0) {
            show = passes.body().path("data").get(0).path("id").asString();
        }
        if (show != null && !show.isBlank()) {
            ConsoleApis.Answer one = apis.reconcile("GET", "/api/reconcile-runs/" + enc(show), null);
            if (one.ok()) {
                model.addAttribute("shown", map(one.body()));
            }
        }
        return "console/reconcile";
    }

    @PostMapping("/console/reconcile")
    public String startPass(
            @RequestParam(defaultValue = "") String runId,
            @RequestParam(defaultValue = "") String repair,
            RedirectAttributes redirect) {
        var body = JSON.createObjectNode();
        if (!runId.isBlank()) {
            body.put("runId", runId.trim());
        }
        if (repair.equals("true")) {
            body.put("repair", true);
        }
        ConsoleApis.Answer a = apis.reconcile("POST", "/api/reconcile-runs", body.toString());
        if (a.ok()) {
            redirect.addFlashAttribute("notice", "Pass started; it shows below as it runs.");
            return "redirect:/console/reconcile?pass=" + a.body().path("id").asString();
        }
        redirect.addFlashAttribute("error", a.problem());
        return "redirect:/console/reconcile";
    }

    /** This page's own path and query (a live section re-fetches it). */
    private static String self(HttpServletRequest request) {
        String q = request.getQueryString();
        return request.getRequestURI() + (q == null ? "" : "?" + q);
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
