package dev.relay.contracts.edge;

import dev.relay.contracts.SecretBox;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API of one host ({@code /admin/v1}, see docs/admin-api.md), typed just enough for the control plane:
 * idempotent creates by {@code managedBy} + {@code externalRef}, reads, merge-patches, actions, deletes, and the
 * config version each change produced ({@code Relay-Config-Version}). The admin token is opened per call and never
 * logged; error messages carry the edge's error code and message, never a request body.
 */
public final class EdgeAdmin {

    /** A change the host applied: the resource as the host now holds it and the config version the change produced. */
    /** Rows per page when a whole list is read (the admin API's largest page). */
    static final int PAGE = 1_000;

    public record Applied(JsonNode resource, long configVersion, boolean replayed) {
        public String id() {
            return resource.path("id").asString();
        }
    }

    /** One replica of the host and the config version its routing snapshot serves. */
    public record Replica(String replicaId, long configVersion) {}

    /** The live replicas and the version the host's database is at. */
    public record Replicas(long configVersion, List<Replica> replicas) {}

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final EdgeHost host;
    private final SecretBox box;
    private final HttpClient http;
    private final Duration timeout;

    public EdgeAdmin(EdgeHost host, SecretBox box, HttpClient http, Duration timeout) {
        this.host = host;
        this.box = box;
        this.http = http;
        this.timeout = timeout;
    }

    public EdgeHost host() {
        return host;
    }

    /** {@code POST /{kind}}: 201 created or 200 replayed (same {@code managedBy} + {@code externalRef}). */
    public Applied create(String kind, JsonNode body) {
        return applied(send("POST", "/" + kind, body, null));
    }

    public Optional<JsonNode> get(String kind, String id) {
        Response r = send("GET", "/" + kind + "/" + seg(id), null, null, 404);
        return r.status() == 404 ? Optional.empty() : Optional.of(r.body());
    }

    /** The resource created with this {@code managedBy} + {@code externalRef}, if the host has one. */
    public Optional<JsonNode> findByRef(String kind, String managedBy, String externalRef) {
        JsonNode data = send(
                        "GET", "/" + kind + "?managedBy=" + q(managedBy) + "&externalRef=" + q(externalRef), null, null)
                .body()
                .path("data");
        return data.isArray() && !data.isEmpty() ? Optional.of(data.get(0)) : Optional.empty();
    }

    /** Every resource of a kind a manager owns on this host. */
    public List<JsonNode> listManaged(String kind, String managedBy) {
        return listAll(kind, "managedBy=" + q(managedBy));
    }

    /**
     * Every resource of a kind a manager created under an external-ref prefix (a run's: {@code run:<id>/}): read
     * through the host's prefix index, however many other resources the host holds.
     */
    public List<JsonNode> listManaged(String kind, String managedBy, String externalRefPrefix) {
        return listAll(kind, "managedBy=" + q(managedBy) + "&externalRefPrefix=" + q(externalRefPrefix));
    }

    /** Every resource of a kind matching {@code query}, following the list's pages ({@code next}) to the end. */
    public List<JsonNode> listAll(String kind, String query) {
        List<JsonNode> out = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = send(
                            "GET",
                            "/" + kind + "?" + query + "&limit=" + PAGE + (after == null ? "" : "&after=" + q(after)),
                            null,
                            null)
                    .body();
            for (JsonNode n : page.path("data")) {
                out.add(n);
            }
            JsonNode next = page.path("next");
            after = next.isString() && !next.asString().isEmpty() ? next.asString() : null;
        } while (after != null);
        return out;
    }

    /** {@code PATCH} (JSON Merge Patch), conditional on {@code ifMatch} when given. */
    public Applied patch(String kind, String id, JsonNode mergePatch, Long ifMatch) {
        return applied(send("PATCH", "/" + kind + "/" + seg(id), mergePatch, ifMatch));
    }

    /** {@code PUT}: replaces the resource with {@code body} (absent optional fields take their defaults). */
    public Applied replace(String kind, String id, JsonNode body) {
        return applied(send("PUT", "/" + kind + "/" + seg(id), body, null));
    }

    /** {@code POST /{kind}/{id}/{action}} (enable, disable, exhaust, restore). */
    public Applied action(String kind, String id, String action, JsonNode body) {
        return applied(send("POST", "/" + kind + "/" + seg(id) + "/" + action, body, null));
    }

    /** {@code DELETE}; the config version it produced, or empty when the resource was already gone. */
    public Optional<Long> delete(String kind, String id) {
        Response r = send("DELETE", "/" + kind + "/" + seg(id), null, null, 404);
        return r.status() == 404 ? Optional.empty() : Optional.of(r.configVersion());
    }

    public Replicas replicas() {
        JsonNode b = send("GET", "/config/replicas", null, null).body();
        List<Replica> out = new ArrayList<>();
        for (JsonNode n : b.path("data")) {
            out.add(new Replica(
                    n.path("replicaId").asString(), n.path("configVersion").asLong()));
        }
        return new Replicas(b.path("configVersion").asLong(), out);
    }

    private static Applied applied(Response r) {
        return new Applied(r.body(), r.configVersion(), r.status() == 200 && r.replayed());
    }

    private record Response(int status, JsonNode body, long configVersion, boolean replayed) {}

    private Response send(String method, String path, JsonNode body, Long ifMatch, int... tolerated) {
        URI uri = URI.create(host.adminUrl() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", "Bearer " + box.open(host.adminToken()))
                .header("Accept", "application/json");
        if (ifMatch != null) {
            b.header("If-Match", "\"" + ifMatch + "\"");
        }
        if (body != null) {
            String type = method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
            b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else if (method.equals("POST")) {
            b.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> res;
        try {
            res = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new EdgeAdminException(
                    0,
                    null,
                    "host " + host.id() + " did not answer " + method + " " + pathOnly(path) + ": "
                            + e.getClass().getSimpleName(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EdgeAdminException(0, null, "interrupted calling host " + host.id(), e);
        }
        int status = res.statusCode();
        long version = res.headers()
                .firstValue("Relay-Config-Version")
                .map(Long::parseLong)
                .orElse(0L);
        boolean replayed = res.headers()
                .firstValue("Idempotent-Replayed")
                .map("true"::equalsIgnoreCase)
                .orElse(false);
        for (int t : tolerated) {
            if (status == t) {
                return new Response(status, JSON.createObjectNode(), version, false);
            }
        }
        JsonNode parsed = parse(res.body());
        if (status / 100 != 2) {
            JsonNode err = parsed.path("error");
            String code = err.path("code").isString() ? err.path("code").asString() : null;
            String message =
                    err.path("message").isString() ? err.path("message").asString() : "no error message";
            throw new EdgeAdminException(
                    status,
                    code,
                    "host " + host.id() + " answered " + status + (code == null ? "" : " " + code) + " to " + method
                            + " " + pathOnly(path) + ": " + message,
                    null);
        }
        return new Response(status, parsed, version, replayed);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (RuntimeException e) {
            return JSON.createObjectNode();
        }
    }

    private static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private static String seg(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    private static String q(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
