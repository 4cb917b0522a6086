package dev.relay.imports.runs;

import dev.relay.contracts.AccessOptions;
import dev.relay.imports.web.ProblemException;
import dev.relay.imports.web.Problems;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The operator's view of runs and items, with the contract's field names: run {@code id, name, hostId, status, counts,
 * createdAt} (+ {@code clientKey} in the 201 only); item {@code id, index, baseUrl, state, stage, classification,
 * accessStatus, models, corrections, capabilities, warnings, timeline, keyFingerprint}. Lists page with an opaque
 * cursor.
 */
@Component
public class RunViews {

    static final int FULL_RUN_ITEMS = 1_000;
    static final int MAX_PAGE = 500;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    public RunViews(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The 201 body: the run with its items, and the run's client key (shown this once). */
    String created(UUID runId, String clientKey) {
        ObjectNode run = run(runId, true);
        run.put("clientKey", clientKey);
        return JSON.writeValueAsString(run);
    }

    /** A run; with every item (and its timeline) when it has at most 1,000, else without (page them). */
    public ObjectNode run(UUID runId, boolean withItems) {
        ObjectNode run = jdbc.sql("SELECT * FROM import_run WHERE id = :id")
                .param("id", runId)
                .query((rs, i) -> runNode(rs))
                .optional()
                .orElseThrow(() -> notFound("run", runId));
        run.set("counts", counts(runId));
        int total = run.get("total").intValue();
        if (withItems && total <= FULL_RUN_ITEMS) {
            ArrayNode items = run.putArray("items");
            items(runId, null, -1, FULL_RUN_ITEMS, true).forEach(items::add);
        }
        return run;
    }

    /** A page of items of a run, by index, optionally of one state. */
    public ObjectNode itemPage(UUID runId, ItemState state, String cursor, int limit) {
        requireRun(runId);
        int after;
        try {
            after = cursor == null ? -1 : Integer.parseInt(decode(cursor));
        } catch (NumberFormatException e) {
            throw new ProblemException(
                    Problems.of(HttpStatus.BAD_REQUEST, "invalid_cursor", "the cursor is not valid"));
        }
        int size = Math.max(1, Math.min(MAX_PAGE, limit));
        List<ObjectNode> items = items(runId, state, after, size + 1, true);
        ObjectNode page = JSON.createObjectNode();
        boolean more = items.size() > size;
        ArrayNode data = page.putArray("data");
        items.stream().limit(size).forEach(data::add);
        page.put("hasMore", more);
        page.put(
                "nextCursor",
                more ? encode(Integer.toString(items.get(size - 1).get("index").intValue())) : null);
        return page;
    }

    /** A page of runs, newest first, optionally of one status. */
    public ObjectNode runPage(String status, String cursor, int limit) {
        int size = Math.max(1, Math.min(MAX_PAGE, limit));
        Instant beforeAt = null;
        UUID beforeId = null;
        if (cursor != null) {
            try {
                String[] parts = decode(cursor).split("\\|");
                beforeAt = Instant.parse(parts[0]);
                beforeId = UUID.fromString(parts[1]);
            } catch (RuntimeException e) {
                throw new ProblemException(
                        Problems.of(HttpStatus.BAD_REQUEST, "invalid_cursor", "the cursor is not valid"));
            }
        }
        List<ObjectNode> runs = jdbc.sql(
                        "SELECT * FROM import_run WHERE (CAST(:status AS text) IS NULL OR status = :status)"
                                + " AND (CAST(:at AS timestamptz) IS NULL OR (created_at, id) < (:at, :bid))"
                                + " ORDER BY created_at DESC, id DESC LIMIT :limit")
                .param("status", status, java.sql.Types.VARCHAR)
                .param("at", beforeAt == null ? null : Timestamp.from(beforeAt), java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
                .param("bid", beforeId, java.sql.Types.OTHER)
                .param("limit", size + 1)
                .query((rs, i) -> runNode(rs))
                .list();
        ObjectNode page = JSON.createObjectNode();
        ArrayNode data = page.putArray("data");
        boolean more = runs.size() > size;
        for (ObjectNode r : runs.subList(0, Math.min(size, runs.size()))) {
            r.set("counts", counts(UUID.fromString(r.get("id").stringValue())));
            data.add(r);
        }
        page.put("hasMore", more);
        ObjectNode last = more ? runs.get(size - 1) : null;
        page.put(
                "nextCursor",
                last == null
                        ? null
                        : encode(last.get("createdAt").stringValue() + "|"
                                + last.get("id").stringValue()));
        return page;
    }

    public ObjectNode item(UUID runId, UUID itemId) {
        return jdbc.sql("SELECT * FROM import_item WHERE id = :id AND run_id = :run")
                .param("id", itemId)
                .param("run", runId)
                .query((rs, i) -> itemNode(rs))
                .optional()
                .map(n -> withTimeline(List.of(n)).getFirst())
                .orElseThrow(() -> notFound("item", itemId));
    }

    void requireRun(UUID runId) {
        Long n = jdbc.sql("SELECT count(*) FROM import_run WHERE id = :id")
                .param("id", runId)
                .query(Long.class)
                .single();
        if (n == null || n == 0) {
            throw notFound("run", runId);
        }
    }

    private List<ObjectNode> items(UUID runId, ItemState state, int afterIndex, int limit, boolean timeline) {
        List<ObjectNode> items = jdbc.sql("SELECT * FROM import_item WHERE run_id = :run AND idx > :after"
                        + " AND (CAST(:state AS text) IS NULL OR state = :state) ORDER BY idx LIMIT :limit")
                .param("run", runId)
                .param("after", afterIndex)
                .param("state", state == null ? null : state.name(), java.sql.Types.VARCHAR)
                .param("limit", limit)
                .query((rs, i) -> itemNode(rs))
                .list();
        return timeline ? withTimeline(items) : items;
    }

    private List<ObjectNode> withTimeline(List<ObjectNode> items) {
        if (items.isEmpty()) {
            return items;
        }
        Map<String, ArrayNode> byItem = new LinkedHashMap<>();
        for (ObjectNode it : items) {
            byItem.put(it.get("id").stringValue(), it.putArray("timeline"));
        }
        jdbc.sql("SELECT * FROM item_timeline WHERE item_id = ANY(CAST(:ids AS uuid[])) ORDER BY id")
                .param("ids", byItem.keySet().toArray(String[]::new))
                .query(rs -> {
                    ObjectNode t = byItem.get(rs.getString("item_id")).addObject();
                    t.put("at", rs.getTimestamp("at").toInstant().toString());
                    t.put("event", rs.getString("event_type"));
                    t.put("state", rs.getString("state"));
                    t.put("stage", rs.getString("stage"));
                    t.put("attempt", rs.getInt("attempt"));
                    String d = rs.getString("detail");
                    t.set("detail", d == null ? null : JSON.readTree(d));
                });
        return items;
    }

    private ObjectNode counts(UUID runId) {
        ObjectNode counts = JSON.createObjectNode();
        for (ItemState s : ItemState.values()) {
            counts.put(s.name(), 0);
        }
        jdbc.sql("SELECT state, count(*) AS n FROM import_item WHERE run_id = :run GROUP BY state")
                .param("run", runId)
                .query(rs -> {
                    counts.put(rs.getString("state"), rs.getInt("n"));
                });
        return counts;
    }

    private static ObjectNode runNode(ResultSet rs) throws SQLException {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", rs.getString("id"));
        n.put("name", rs.getString("name"));
        n.put("hostId", rs.getString("host_id"));
        n.put("status", rs.getString("status"));
        n.put("total", rs.getInt("total"));
        AccessOptions access = JSON.readValue(rs.getString("access"), AccessOptions.class);
        ObjectNode a = n.putObject("access");
        a.put("mode", access.mode().name().toLowerCase(java.util.Locale.ROOT));
        a.put("consumer", access.consumer());
        a.put("balanceTokens", access.balanceTokens());
        a.put("allowanceTokens", access.allowanceTokens());
        a.put("period", access.period());
        a.put(
                "expiresAt",
                access.expiresAt() == null ? null : access.expiresAt().toString());
        a.put("clientKeyFingerprint", access.clientKey().fingerprint());
        n.put("smokeModel", rs.getString("smoke_model"));
        n.put("createdAt", rs.getTimestamp("created_at").toInstant().toString());
        Timestamp done = rs.getTimestamp("completed_at");
        n.put("completedAt", done == null ? null : done.toInstant().toString());
        return n;
    }

    private static ObjectNode itemNode(ResultSet rs) throws SQLException {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", rs.getString("id"));
        n.put("runId", rs.getString("run_id"));
        n.put("index", rs.getInt("idx"));
        n.put("baseUrl", rs.getString("base_url"));
        n.put("state", rs.getString("state"));
        n.put("stage", rs.getString("stage"));
        n.put("attempt", rs.getInt("attempt"));
        n.put("classification", rs.getString("classification"));
        n.put("detail", rs.getString("detail"));
        n.put("accessStatus", lower(rs.getString("access_status")));
        n.set("models", json(rs.getString("models")));
        n.set("corrections", json(rs.getString("corrections")));
        String caps = rs.getString("capabilities");
        n.set("capabilities", caps == null ? null : json(caps));
        n.set("warnings", json(rs.getString("warnings")));
        n.put("keyFingerprint", rs.getString("key_fingerprint"));
        n.put("protocol", rs.getString("protocol_hint").toLowerCase(java.util.Locale.ROOT));
        n.set("requestedModels", json(rs.getString("requested_models")));
        n.put("priority", rs.getInt("priority"));
        n.put("duplicateOf", rs.getString("duplicate_of"));
        String result = rs.getString("result");
        n.set("probe", result == null ? null : json(result));
        n.put("updatedAt", rs.getTimestamp("updated_at").toInstant().toString());
        return n;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(java.util.Locale.ROOT);
    }

    private static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    private static String encode(String s) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(
                    Problems.of(HttpStatus.BAD_REQUEST, "invalid_cursor", "the cursor is not valid"));
        }
    }

    private static ProblemException notFound(String what, UUID id) {
        return new ProblemException(Problems.of(HttpStatus.NOT_FOUND, what + "_not_found", "no " + what + " " + id));
    }
}
