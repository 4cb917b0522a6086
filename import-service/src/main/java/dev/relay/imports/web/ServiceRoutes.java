package dev.relay.imports.web;

import dev.relay.imports.ImportProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The one operator front: the operator APIs other services own are routed through here, behind the same operator
 * token — {@code /api/consumers} and {@code /api/usage} to access-service, {@code /api/reconcile-runs} to
 * reconcile-service. A thin pass-through (method, path, query, body, content type, the operator's Authorization); a
 * service that does not answer is a 503 problem {@code service_unavailable}.
 */
@RestController
public class ServiceRoutes {

    private static final Set<String> PASSED_RESPONSE_HEADERS =
            Set.of("content-type", "location", "etag", "retry-after", "idempotent-replayed");

    private final ImportProperties properties;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ServiceRoutes(ImportProperties properties) {
        this.properties = properties;
    }

    @RequestMapping({"/api/consumers", "/api/consumers/**", "/api/usage", "/api/usage/**"})
    public ResponseEntity<byte[]> access(HttpServletRequest request) throws IOException {
        return forward(properties.accessServiceUrl(), "access-service", request);
    }

    @RequestMapping({"/api/reconcile-runs", "/api/reconcile-runs/**"})
    public ResponseEntity<byte[]> reconcile(HttpServletRequest request) throws IOException {
        return forward(properties.reconcileServiceUrl(), "reconcile-service", request);
    }

    private ResponseEntity<byte[]> forward(String base, String service, HttpServletRequest request) throws IOException {
        String query = request.getQueryString();
        URI target = URI.create(base + request.getRequestURI() + (query == null ? "" : "?" + query));
        byte[] body = request.getInputStream().readAllBytes();
        HttpRequest.Builder b = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(30))
                .method(
                        request.getMethod(),
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String h : new String[] {"Authorization", "Content-Type", "Accept", "Idempotency-Key", "If-Match"}) {
            String v = request.getHeader(h);
            if (v != null) {
                b.header(h, v);
            }
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ProblemException(Problems.of(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "service_unavailable",
                    service + " does not answer; try again later"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(Problems.of(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "service_unavailable",
                    service + " does not answer; try again later"));
        }
        ResponseEntity.BodyBuilder out = ResponseEntity.status(r.statusCode());
        r.headers().map().forEach((name, values) -> {
            if (PASSED_RESPONSE_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !values.isEmpty()) {
                out.header(name, values.getFirst());
            }
        });
        return out.body(r.body());
    }
}
