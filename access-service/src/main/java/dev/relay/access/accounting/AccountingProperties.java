package dev.relay.access.accounting;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.accounting.*} (docs/accounting.md).
 *
 * @param timeZone the zone subscription periods are calendar-aligned in (day, ISO week from Monday, month); default UTC
 * @param modelWeights public model → multiplier of its tokens (default 1); a model name with dots is written in
 *     brackets, e.g. {@code relay.accounting.model-weights.[claude-3.5-sonnet]: 3}
 * @param retention raw request rows older than this are deleted; the hourly roll-ups stay (default 30 days)
 * @param retentionInterval how often the retention janitor runs
 * @param retentionBatch rows deleted per janitor transaction
 * @param operatorToken the bearer token {@code /api/consumers} and {@code /api/usage} require ({@code
 *     RELAY_OPERATOR_TOKEN}); unset = those APIs refuse every call
 * @param usageConsumerGroup the Kafka consumer group of the usage ledger (its own, apart from the stage events')
 * @param usageConcurrency listener threads on {@code relay.usage}
 * @param usageMaxPollRecords most events one ledger transaction takes
 * @param usageListener whether this process consumes {@code relay.usage} at all
 */
@ConfigurationProperties("relay.accounting")
public record AccountingProperties(
        String timeZone,
        Map<String, BigDecimal> modelWeights,
        Duration retention,
        Duration retentionInterval,
        Integer retentionBatch,
        String operatorToken,
        String usageConsumerGroup,
        Integer usageConcurrency,
        Integer usageMaxPollRecords,
        Boolean usageListener) {

    public AccountingProperties {
        timeZone = timeZone == null || timeZone.isBlank() ? "UTC" : timeZone.trim();
        ZoneId.of(timeZone); // fail at start-up on an unknown zone
        modelWeights = modelWeights == null ? Map.of() : Map.copyOf(modelWeights);
        modelWeights.forEach((model, weight) -> {
            if (weight.signum() < 0) {
                throw new IllegalArgumentException(
                        "relay.accounting.model-weights." + model + " must not be negative, got " + weight);
            }
        });
        retention = retention == null ? Duration.ofDays(30) : retention;
        retentionInterval = retentionInterval == null ? Duration.ofMinutes(10) : retentionInterval;
        retentionBatch = retentionBatch == null ? 5_000 : retentionBatch;
        usageConsumerGroup =
                usageConsumerGroup == null || usageConsumerGroup.isBlank() ? "access-usage" : usageConsumerGroup;
        usageConcurrency = usageConcurrency == null ? 1 : usageConcurrency;
        usageMaxPollRecords = usageMaxPollRecords == null ? 1_000 : usageMaxPollRecords;
        usageListener = usageListener == null || usageListener;
    }

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    /** The multiplier of a public model's tokens. */
    public BigDecimal weight(String publicModel) {
        return publicModel == null ? BigDecimal.ONE : modelWeights.getOrDefault(publicModel, BigDecimal.ONE);
    }
}
