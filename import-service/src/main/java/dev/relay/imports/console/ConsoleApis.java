package dev.relay.imports.console;

import dev.relay.imports.ImportProperties;
import dev.relay.imports.hosts.Host;
import dev.relay.imports.hosts.HostService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the console reads from other services, through their APIs (never their tables): access-service (consumers,
 * usage), reconcile-service (passes, findings) with the operator token, and a host's admin API (channels) with the
 * host's admin token. A service that does not answer becomes a plain-words message on the page, not an error page.
 */
@Component
public class ConsoleApis {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An answer, or why there is none, in plain words. */
    public record Answer(int status, JsonNode body, String problem) {
        public boolean ok() {
            return problem == null && status / 100 == 2;
        }
    }

    private final ImportProperties properties;
    private final HostService hosts;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    public ConsoleApis(ImportProperties properties, HostService hosts) {
        this.properties = properties;
        this.hosts = hosts;
    }

    public Answer access(String method, String pathAndQuery, String body, Map<String, String> headers) {
        return call(properties.accessServiceUrl() + pathAndQuery, method, body, bearer(headers), "access-service");
    }

    public Answer reconcile(String method, String pathAndQuery, String body) {
        return call(
                properties.reconcileServiceUrl() + pathAndQuery, method, body, bearer(Map.of()), "reconcile-service");
    }

    /** {@code GET} on a host's admin API ({@code /admin/v1} + path). */
    public Answer edge(String hostId, String path) {
        Host h = hosts.find(hostId, false).orElse(null);
        if (h == null) {
            return new Answer(0, null, "no host '" + hostId + "' is registered");
        }
        return call(
                h.adminUrl() + path,
                "GET",
                null,
                Map.of("Authorization", "Bearer " + hosts.adminToken(h)),
                "the edge '" + hostId + "'");
    }

    /**
     * {@code GET} on a host's own diagnostics ({@code /internal/...} beside {@code /admin/v1}, same admin token): the
     * replica's routing view with each channel's health (cooldowns).
     */
    public Answer edgeInternal(String hostId, String path) {
        Host h = hosts.find(hostId, false).orElse(null);
        if (h == null) {
            return new Answer(0, null, "no host '" + hostId + "' is registered");
        }
        String root = h.adminUrl().replaceAll("/admin/v1/?$", "");
        return call(
                root + path,
                "GET",
                null,
                Map.of("Authorization", "Bearer " + hosts.adminToken(h)),
                "the edge '" + hostId + "'");
    }

    private Map<String, String> bearer(Map<String, String> headers) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        if (properties.operatorToken() != null) {
            h.put("Authorization", "Bearer " + properties.operatorToken());
        }
        return h;
    }

    private Answer call(String url, String method, String body, Map<String, String> headers, String who) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n = null;
            try {
                n = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
            } catch (RuntimeException notJson) {
                // keep the status
            }
            if (r.statusCode() / 100 != 2) {
                String detail = n != null && n.path("detail").isString()
                        ? n.path("detail").asString()
                        : n != null && n.path("error").path("message").isString()
                                ? n.path("error").path("message").asString()
                                : "status " + r.statusCode();
                return new Answer(r.statusCode(), n, who + " refused: " + detail);
            }
            return new Answer(r.statusCode(), n, null);
        } catch (IOException e) {
            return new Answer(0, null, who + " does not answer right now; try again in a moment");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, null, "interrupted");
        }
    }
}
