package dev.relay.imports.runs;

import dev.relay.imports.ImportProperties;
import dev.relay.imports.web.ProblemException;
import dev.relay.imports.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code /api/import-runs}: submit (JSON, text, CSV), read and page runs and items, retry, cancel and roll back. */
@RestController
@RequestMapping("/api/import-runs")
public class RunController {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String REQUESTED_BY = "operator";

    private final SubmissionService submissions;
    private final RunViews views;
    private final CommandService commands;
    private final ImportProperties properties;
    private final Clock clock;

    public RunController(
            SubmissionService submissions,
            RunViews views,
            CommandService commands,
            ImportProperties properties,
            Clock clock) {
        this.submissions = submissions;
        this.views = views;
        this.commands = commands;
        this.properties = properties;
        this.clock = clock;
    }

    @PostMapping(
            consumes = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE, "text/csv"},
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> submit(
            @RequestBody byte[] body,
            @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
            HttpServletRequest request) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw new ProblemException(Problems.of(
                    HttpStatus.BAD_REQUEST, "invalid_idempotency_key", "Idempotency-Key must be 1 to 200 characters"));
        }
        String type =
                request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        RunRequestParser parser =
                new RunRequestParser(properties.maxItems(), properties.defaultHost(), clock.instant());
        RunRequest req;
        try {
            if (type.startsWith(MediaType.APPLICATION_JSON_VALUE)) {
                JsonNode root;
                try {
                    root = JSON.readTree(body);
                } catch (JacksonException e) {
                    throw new ProblemException(Problems.of(
                            HttpStatus.BAD_REQUEST, "malformed_body", "the request body is not valid JSON"));
                }
                req = parser.json(root);
            } else {
                Map<String, String> query = new LinkedHashMap<>();
                request.getParameterMap().forEach((k, v) -> query.put(k, v.length == 0 ? null : v[0]));
                req = parser.lines(new String(body, StandardCharsets.UTF_8), type.startsWith("text/csv"), query);
            }
        } catch (RunRequestParser.Invalid invalid) {
            throw new ProblemException(Problems.validation(invalid.errors()));
        }
        String hash = hash(type, request.getQueryString(), body);
        SubmissionService.Submitted s = submissions.submit(req, idempotencyKey, hash);
        ResponseEntity.BodyBuilder r = ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/api/import-runs/" + s.runId()))
                .contentType(MediaType.APPLICATION_JSON);
        if (s.replayed()) {
            r.header("Idempotent-Replayed", "true");
        }
        return r.body(s.body());
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    public ObjectNode list(
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "50") int limit) {
        return views.runPage(status, cursor, limit);
    }

    @GetMapping(value = "/{runId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ObjectNode get(@PathVariable UUID runId, @RequestParam(defaultValue = "true") boolean items) {
        return views.run(runId, items);
    }

    @GetMapping(value = "/{runId}/items", produces = MediaType.APPLICATION_JSON_VALUE)
    public ObjectNode items(
            @PathVariable UUID runId,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "100") int limit) {
        ItemState s = null;
        if (state != null) {
            try {
                s = ItemState.valueOf(state.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ProblemException(
                        Problems.of(HttpStatus.BAD_REQUEST, "invalid_parameter", "unknown state '" + state + "'"));
            }
        }
        return views.itemPage(runId, s, cursor, limit);
    }

    @GetMapping(value = "/{runId}/items/{itemId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ObjectNode item(@PathVariable UUID runId, @PathVariable UUID itemId) {
        return views.item(runId, itemId);
    }

    @PostMapping("/{runId}/items/{itemId}/retry")
    public ResponseEntity<ObjectNode> retry(@PathVariable UUID runId, @PathVariable UUID itemId) {
        commands.retry(runId, itemId, REQUESTED_BY);
        return ResponseEntity.accepted().body(views.item(runId, itemId));
    }

    @PostMapping("/{runId}/items/{itemId}/cancel")
    public ResponseEntity<ObjectNode> cancel(@PathVariable UUID runId, @PathVariable UUID itemId) {
        commands.cancel(runId, itemId, REQUESTED_BY);
        return ResponseEntity.accepted().body(views.item(runId, itemId));
    }

    @PostMapping("/{runId}/cancel")
    public ResponseEntity<Map<String, Object>> cancelRun(@PathVariable UUID runId) {
        int n = commands.cancelRun(runId, REQUESTED_BY);
        return ResponseEntity.accepted().body(Map.of("runId", runId, "cancelRequested", n));
    }

    @PostMapping("/{runId}/items/{itemId}/rollback")
    public ResponseEntity<ObjectNode> rollback(@PathVariable UUID runId, @PathVariable UUID itemId) {
        commands.rollback(runId, itemId, REQUESTED_BY);
        return ResponseEntity.accepted().body(views.item(runId, itemId));
    }

    @PostMapping("/{runId}/rollback")
    public ResponseEntity<Map<String, Object>> rollbackRun(@PathVariable UUID runId) {
        int n = commands.rollbackRun(runId, REQUESTED_BY);
        return ResponseEntity.accepted().body(Map.of("runId", runId, "rollbackRequested", n));
    }

    /** What makes two requests "the same" for an Idempotency-Key: content type, query and body. */
    static String hash(String type, String query, byte[] body) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(type.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update((query == null ? "" : query).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(body);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
