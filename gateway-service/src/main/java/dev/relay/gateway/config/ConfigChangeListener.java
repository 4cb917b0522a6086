package dev.relay.gateway.config;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.GatewayConfigChanged;
import dev.relay.contracts.Topics;
import dev.relay.outbox.InboundEvents;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;

/**
 * Thin adapter: every replica reads every {@code gateway.config-changed} event (its own consumer group,
 * {@link ConfigEventsConsumerGroup}, starting at the latest offset) and asks for a reload when the event names a newer
 * version than its snapshot, without waiting for it: the reloads of a burst of events coalesce
 * ({@link SnapshotLoader#refreshLaterTo}). Reloads once more when partitions are assigned, closing the gap between the
 * start-up load and the first fetch. Applying an event twice is harmless (the reload is idempotent), so no inbox is
 * kept.
 */
public class ConfigChangeListener implements ConsumerSeekAware {

    public static final String LISTENER_ID = "relay-gateway-config";

    private final SnapshotLoader snapshots;

    public ConfigChangeListener(SnapshotLoader snapshots) {
        this.snapshots = snapshots;
    }

    @KafkaListener(
            id = LISTENER_ID,
            topics = Topics.GATEWAY_CONFIG,
            groupId = "#{@configEventsConsumerGroup.name()}",
            clientIdPrefix = "#{@configEventsConsumerGroup.name()}",
            properties = {"auto.offset.reset=latest"})
    public void on(ConsumerRecord<String, String> record) {
        EventEnvelope envelope = InboundEvents.read(record);
        switch (envelope.data()) {
            case GatewayConfigChanged changed -> snapshots.refreshLaterTo(changed.configVersion());
            default ->
                throw new IllegalStateException(
                        "unexpected event " + envelope.type() + " (" + envelope.id() + ") on " + record.topic());
        }
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        snapshots.refreshQuietly();
    }
}
