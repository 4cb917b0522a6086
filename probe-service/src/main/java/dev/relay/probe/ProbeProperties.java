package dev.relay.probe;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.probe.*}.
 *
 * @param masterKey opens the sealed upstream keys ({@code RELAY_MASTER_KEY})
 * @param masterKeyId the id the keys were sealed under
 * @param urlAllowlist non-public addresses probes may reach ({@code RELAY_URL_ALLOWLIST}, the URL guard's grammar)
 * @param connectTimeout per call, unless the item sets its own
 * @param callTimeout per call (the item's first-byte timeout, when set and shorter, wins)
 * @param concurrency probes running at once in this process
 * @param perHostConcurrency calls at once to one upstream host, so a batch of keys for one vendor is not a flood
 * @param maxAttempts runs of one item before a retryable failure is final
 */
@ConfigurationProperties("relay.probe")
public record ProbeProperties(
        String masterKey,
        String masterKeyId,
        String urlAllowlist,
        Duration connectTimeout,
        Duration callTimeout,
        Integer concurrency,
        Integer perHostConcurrency,
        Integer maxAttempts) {
    public ProbeProperties {
        masterKeyId = masterKeyId == null || masterKeyId.isBlank() ? "k1" : masterKeyId;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        callTimeout = callTimeout == null ? Duration.ofSeconds(20) : callTimeout;
        concurrency = concurrency == null ? 64 : concurrency;
        perHostConcurrency = perHostConcurrency == null ? 32 : perHostConcurrency;
        maxAttempts = maxAttempts == null ? 4 : maxAttempts;
    }
}
