package dev.relay.imports;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.imports.*}.
 *
 * @param operatorToken the bearer token of the operator front ({@code RELAY_OPERATOR_TOKEN}); blank refuses every
 *     {@code /api} call
 * @param masterKey base64 AES-256 key that seals upstream keys, host admin tokens and run client keys ({@code
 *     RELAY_MASTER_KEY})
 * @param masterKeyId the id sealed secrets carry
 * @param keyHmacSecret keys the HMAC over upstream keys that finds duplicates ({@code RELAY_KEY_HMAC_SECRET})
 * @param defaultHost the host a run goes to when it names none
 * @param maxItems the largest batch one run accepts
 * @param idempotencyWindow how long an {@code Idempotency-Key} replays its first response
 * @param accessServiceUrl where {@code /api/consumers} and {@code /api/usage} are served
 * @param reconcileServiceUrl where {@code /api/reconcile-runs} is served
 */
@ConfigurationProperties("relay.imports")
public record ImportProperties(
        String operatorToken,
        String masterKey,
        String masterKeyId,
        String keyHmacSecret,
        String defaultHost,
        Integer maxItems,
        Duration idempotencyWindow,
        String accessServiceUrl,
        String reconcileServiceUrl) {
    public ImportProperties {
        masterKeyId = masterKeyId == null || masterKeyId.isBlank() ? "k1" : masterKeyId;
        defaultHost = defaultHost == null || defaultHost.isBlank() ? "edge" : defaultHost;
        maxItems = maxItems == null ? 10_000 : maxItems;
        idempotencyWindow = idempotencyWindow == null ? Duration.ofHours(24) : idempotencyWindow;
        accessServiceUrl = accessServiceUrl == null ? "http://127.0.0.1:8183" : accessServiceUrl;
        reconcileServiceUrl = reconcileServiceUrl == null ? "http://127.0.0.1:8184" : reconcileServiceUrl;
    }
}
