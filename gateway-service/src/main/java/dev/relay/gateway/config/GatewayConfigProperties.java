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
 * @param configReloadCoalesceWindow an event-driven snapshot reload starts no sooner than this after the previous
 *     load ended, so the events of a burst share loads (default 100 ms; 0 = none); admin writes never wait for it
 * @param replicaHeartbeatInterval how often each replica reports the config version it serves in the {@code replica}
 *     table (default 2 s; also right after every snapshot install)
 * @param replicaTtl a replica not heard from for this long is no longer listed as live by
 *     {@code GET /admin/v1/config/replicas} (default 10 s)
 */
@ConfigurationProperties("relay.gateway")
public record GatewayConfigProperties(
        String adminToken,
        String masterKey,
        String masterKeyId,
        Duration configPollInterval,
        Duration configReloadCoalesceWindow,
        Duration replicaHeartbeatInterval,
        Duration replicaTtl) {

    public GatewayConfigProperties {
        masterKeyId = masterKeyId == null || masterKeyId.isBlank() ? "k1" : masterKeyId.trim();
        configPollInterval = positive(configPollInterval, Duration.ofSeconds(5), "config-poll-interval");
        configReloadCoalesceWindow =
                configReloadCoalesceWindow == null ? Duration.ofMillis(100) : configReloadCoalesceWindow;
        if (configReloadCoalesceWindow.isNegative()) {
            throw new IllegalArgumentException("relay.gateway.config-reload-coalesce-window must not be negative");
        }
        replicaHeartbeatInterval =
                positive(replicaHeartbeatInterval, Duration.ofSeconds(2), "replica-heartbeat-interval");
        replicaTtl = positive(replicaTtl, Duration.ofSeconds(10), "replica-ttl");
        if (replicaTtl.compareTo(replicaHeartbeatInterval) <= 0) {
            throw new IllegalArgumentException(
                    "relay.gateway.replica-ttl must be longer than relay.gateway.replica-heartbeat-interval");
        }
    }

    private static Duration positive(Duration value, Duration fallback, String name) {
        Duration d = value == null ? fallback : value;
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("relay.gateway." + name + " must be positive");
        }
        return d;
    }

    /** Never prints the token or the key. */
    @Override
    public String toString() {
        return "GatewayConfigProperties[adminToken=" + (adminToken == null || adminToken.isBlank() ? "unset" : "set")
                + ", masterKey=" + (masterKey == null || masterKey.isBlank() ? "unset" : "set") + ", masterKeyId="
                + masterKeyId + ", configPollInterval=" + configPollInterval + ", configReloadCoalesceWindow="
                + configReloadCoalesceWindow + ", replicaHeartbeatInterval="
                + replicaHeartbeatInterval + ", replicaTtl=" + replicaTtl + "]";
    }
}
