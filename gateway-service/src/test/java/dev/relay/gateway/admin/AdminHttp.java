package dev.relay.gateway.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A tiny real-HTTP client for the admin API in integration tests. */
public final class AdminHttp {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String token;

    public AdminHttp(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    public record Response(int status, java.net.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String id() {
            return json().get("id").stringValue();
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String etag() {
            return header("ETag");
        }

        public long configVersion() {
            return Long.parseLong(header("Relay-Config-Version"));
        }

        public boolean replayed() {
            return "true".equals(header("Idempotent-Replayed"));
        }
    }

    public Response get(String path) {
        return send("GET", path, null, null);
    }

    public Response post(String path, String json) {
        return send("POST", path, json, null);
    }

    public Response put(String path, String json, String ifMatch) {
        return send("PUT", path, json, ifMatch);
    }

    public Response patch(String path, String json, String ifMatch) {
        return send("PATCH", path, json, ifMatch);
    }

    public Response delete(String path, String ifMatch) {
        return send("DELETE", path, null, ifMatch);
    }

    public Response send(String method, String path, String json, String ifMatch) {
        return sendAsync(method, path, json, ifMatch, token).join();
    }

    public Response sendWithToken(String method, String path, String json, String tokenOrNull) {
        return sendAsync(method, path, json, null, tokenOrNull).join();
    }

    public CompletableFuture<Response> postAsync(String path, String json) {
        return sendAsync("POST", path, json, null, token);
    }

    private CompletableFuture<Response> sendAsync(
            String method, String path, String json, String ifMatch, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Response(r.statusCode(), r.headers(), r.body()));
    }
}
