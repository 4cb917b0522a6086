package dev.relay.reconcile;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.reconcile.*}.
 *
 * @param masterKey opens the hosts' sealed admin tokens (RELAY_MASTER_KEY, the control plane's one master key)
 * @param masterKeyId the key id sealed secrets name
 * @param operatorToken guards this service's API (RELAY_OPERATOR_TOKEN, passed through by the operator front)
 * @param managedBy the owner mark the control plane creates resources with ({@code managedBy} on the edge)
 * @param scheduleInterval how often a pass over every run starts on its own (zero: never)
 * @param adminTimeout one admin API call
 * @param orphanGrace a Relay-owned resource younger than this is not called an orphan (it may be provisioning now)
 * @param repairWait how long a pass waits for access-service's answers to the repairs it asked for
 * @param maxAttempts passes against a host that does not answer are retried this many times, with backoff
 * @param accessServiceUrl where access-service re-verifies a ready item ({@code POST /internal/items/{id}/verification})
 * @param verifyAccess whether a pass re-verifies every ready item in scope through the edge (drift {@code
 *     ACCESS_BROKEN})
 * @param verifyPerPass a pass over every run re-verifies at most this many ready items, those verified longest ago
 *     first (0: all); a run's own pass verifies all of the run's items. Bounds a scheduled pass's work on a host
 *     holding many items while every item still comes round (10,000 items at 200 per 15-minute pass: every 12.5 h)
 * @param afterRunDelay how long after {@code run.completed} its pass starts (the run's last provisioning events travel
 *     on other partitions and may still be on their way)
 */
@ConfigurationProperties("relay.reconcile")
public record ReconcileProperties(
        String masterKey,
        String masterKeyId,
        String operatorToken,
        String managedBy,
        Duration scheduleInterval,
        Duration adminTimeout,
        Duration orphanGrace,
        Duration repairWait,
        Integer maxAttempts,
        Duration afterRunDelay,
        String accessServiceUrl,
        Boolean verifyAccess,
        Integer verifyPerPass) {

    public ReconcileProperties {
        masterKeyId = masterKeyId == null || masterKeyId.isBlank() ? "k1" : masterKeyId;
        managedBy = managedBy == null || managedBy.isBlank() ? "relay-access" : managedBy;
        scheduleInterval = scheduleInterval == null ? Duration.ofMinutes(15) : scheduleInterval;
        adminTimeout = adminTimeout == null ? Duration.ofSeconds(10) : adminTimeout;
        orphanGrace = orphanGrace == null ? Duration.ofMinutes(2) : orphanGrace;
        repairWait = repairWait == null ? Duration.ofMinutes(10) : repairWait;
        maxAttempts = maxAttempts == null ? 6 : maxAttempts;
        afterRunDelay = afterRunDelay == null ? Duration.ofSeconds(10) : afterRunDelay;
        accessServiceUrl = accessServiceUrl == null || accessServiceUrl.isBlank()
                ? "http://127.0.0.1:8183"
                : accessServiceUrl.replaceAll("/+$", "");
        verifyAccess = verifyAccess == null || verifyAccess;
        verifyPerPass = verifyPerPass == null ? 200 : verifyPerPass;
        if (verifyPerPass < 0) {
            throw new IllegalArgumentException("relay.reconcile.verify-per-pass must be 0 (all) or more");
        }
        if (scheduleInterval.isNegative() || adminTimeout.isNegative() || adminTimeout.isZero()) {
            throw new IllegalArgumentException("relay.reconcile durations must be positive");
        }
    }
}
