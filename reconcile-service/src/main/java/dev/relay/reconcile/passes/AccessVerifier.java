package dev.relay.reconcile.passes;

import dev.relay.contracts.EventCodec;
import dev.relay.reconcile.ReconcileProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Asks access-service to re-verify a ready item through the edge ({@code POST /internal/items/{id}/verification}):
 * the confirmation window's calls, once, metered as verification. access-service holds the run's sealed key and the
 * item's channels; this service records the outcome. Empty when the item is not ready there any more (rolled back,
 * retried meanwhile); an {@link Unavailable} when access-service does not answer.
 */
@Component
public class AccessVerifier {

    /** access-service did not answer: the pass attempt fails and is retried, like a host that is down. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final HttpClient http;
    private final ReconcileProperties properties;

    public AccessVerifier(HttpClient http, ReconcileProperties properties) {
        this.http = http;
        this.properties = properties;
    }

    public Optional<JsonNode> verify(UUID itemId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(properties.accessServiceUrl() + "/internal/items/" + itemId + "/verification"))
                .timeout(properties.adminTimeout().plus(Duration.ofSeconds(60)))
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody());
        if (properties.operatorToken() != null && !properties.operatorToken().isBlank()) {
            b.header("Authorization", "Bearer " + properties.operatorToken());
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable(
                    "access-service did not answer a re-verification: "
                            + e.getClass().getSimpleName(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", e);
        }
        if (r.statusCode() == 404 || r.statusCode() == 409) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw new Unavailable("access-service answered " + r.statusCode() + " to a re-verification", null);
        }
        return Optional.of(EventCodec.mapper().readTree(r.body()));
    }
}
