package dev.relay.gateway.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.gateway.*} keys read by the config and admin packages.
 *
 * @param adminToken bearer token of the admin API ({@code RELAY_ADMIN_TOKEN}); when blank the admin API refuses every
 *     call with 503
 * @param masterKey base64 of the 32-byte AES key sealing upstream credentials at rest ({@code RELAY_MASTER_KEY});
 *     required
 * @param masterKeyId the id bound into every ciphertext ({@code RELAY_MASTER_KEY_ID}, default {@code k1})
 * @param configPollInterval how often each replica compares {@code config_version} with its snapshot, the safety net
 *     behind the {@code gateway.config-changed} events (default 5 s)
 */
@ConfigurationProperties("relay.gateway")
public record GatewayConfigProperties(
        String adminToken, String masterKey, String masterKeyId, Duration configPollInterval) {

    public GatewayConfigProperties {
        masterKeyId = masterKeyId == null || masterKeyId.isBlank() ? "k1" : masterKeyId.trim();
        configPollInterval = configPollInterval == null ? Duration.ofSeconds(5) : configPollInterval;
        if (configPollInterval.isNegative() || configPollInterval.isZero()) {
            throw new IllegalArgumentException("relay.gateway.config-poll-interval must be positive");
        }
    }

    /** Never prints the token or the key. */
    @Override
    public String toString() {
        return "GatewayConfigProperties[adminToken=" + (adminToken == null || adminToken.isBlank() ? "unset" : "set")
                + ", masterKey=" + (masterKey == null || masterKey.isBlank() ? "unset" : "set") + ", masterKeyId="
                + masterKeyId + ", configPollInterval=" + configPollInterval + "]";
    }
}
