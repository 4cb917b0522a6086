package dev.relay.access;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.access.*}.
 *
 * @param masterKey opens sealed upstream keys, host admin tokens and run client keys ({@code RELAY_MASTER_KEY})
 * @param masterKeyId the id they were sealed under
 * @param urlAllowlist non-public addresses the direct upstream check may reach ({@code RELAY_URL_ALLOWLIST})
 * @param managedBy the {@code managedBy} of every resource access-service creates on a host
 * @param adminTimeout one admin API call
 * @param callTimeout one confirmation or direct call
 * @param provisionConcurrency items provisioned at once in this process
 * @param confirmConcurrency confirmation attempts at once in this process
 * @param provisionMaxAttempts runs of a provisioning that fails for a retryable reason before it is final
 * @param confirmationWindow how long warm-up answers (401, 403, 404 model_not_found, 503 no_available_channel) are
 *     retried before the item is classified
 * @param confirmationFirstDelay the first retry inside the window (doubled per retry)
 * @param confirmationMaxDelay the longest wait between two confirmation attempts
 */
@ConfigurationProperties("relay.access")
public record AccessProperties(
        String masterKey,
        String masterKeyId,
        String urlAllowlist,
        String managedBy,
        Duration adminTimeout,
        Duration callTimeout,
        Integer provisionConcurrency,
        Integer confirmConcurrency,
        Integer provisionMaxAttempts,
        Duration confirmationWindow,
        Duration confirmationFirstDelay,
        Duration confirmationMaxDelay) {
    public AccessProperties {
        masterKeyId = masterKeyId == null || masterKeyId.isBlank() ? "k1" : masterKeyId;
        managedBy = managedBy == null || managedBy.isBlank() ? "relay-access" : managedBy;
        adminTimeout = adminTimeout == null ? Duration.ofSeconds(10) : adminTimeout;
        callTimeout = callTimeout == null ? Duration.ofSeconds(30) : callTimeout;
        provisionConcurrency = provisionConcurrency == null ? 64 : provisionConcurrency;
        confirmConcurrency = confirmConcurrency == null ? 64 : confirmConcurrency;
        provisionMaxAttempts = provisionMaxAttempts == null ? 6 : provisionMaxAttempts;
        confirmationWindow = confirmationWindow == null ? Duration.ofSeconds(120) : confirmationWindow;
        confirmationFirstDelay = confirmationFirstDelay == null ? Duration.ofMillis(250) : confirmationFirstDelay;
        confirmationMaxDelay = confirmationMaxDelay == null ? Duration.ofSeconds(10) : confirmationMaxDelay;
    }
}
