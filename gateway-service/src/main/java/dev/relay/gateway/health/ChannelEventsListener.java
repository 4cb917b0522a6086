package dev.relay.gateway.health;

import dev.relay.contracts.ChannelAutoDisabled;
import dev.relay.contracts.ChannelCooledDown;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.GatewayConfigChanged;
import dev.relay.contracts.Topics;
import dev.relay.outbox.InboundEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;

/**
 * Thin adapter: every replica reads every channel-health event (its own consumer group, from the latest offset) and
 * applies other replicas' cooldowns, so a channel cooled down anywhere is cooled down everywhere. On assignment it
 * rewinds {@link #REPLAY} so that nothing decided between the start-up load of {@code channel_cooldown} and the
 * assignment is missed (re-applying a cooldown is idempotent; expired ones are ignored).
 */
public class ChannelEventsListener implements ConsumerSeekAware {

    static final Duration REPLAY = Duration.ofMinutes(5);

    private final ChannelHealth health;
    private final Clock clock;

    public ChannelEventsListener(ChannelHealth health, Clock clock) {
        this.health = health;
        this.clock = clock;
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        callback.seekToTimestamp(assignments.keySet(), clock.millis() - REPLAY.toMillis());
    }

    @KafkaListener(
            topics = Topics.GATEWAY_CHANNEL,
            groupId = "gateway-channel-#{T(java.util.UUID).randomUUID()}",
            properties = {"auto.offset.reset=latest"})
    public void on(ConsumerRecord<String, String> record) {
        EventEnvelope envelope = InboundEvents.read(record);
        switch (envelope.data()) {
            case ChannelCooledDown e -> {
                if (!health.replicaId().equals(e.replicaId()) && e.until().isAfter(clock.instant())) {
                    health.applyRemoteCooldown(e.channelId(), e.until(), e.cause());
                }
            }
            case ChannelAutoDisabled e -> {
                // the channel's status reaches every replica through gateway.config-changed and the snapshot
            }
            default ->
                throw new dev.relay.contracts.MalformedEventException(
                        "unexpected " + envelope.type() + " on " + Topics.GATEWAY_CHANNEL);
        }
    }

    /**
     * A channel re-enabled (by an operator, or by a repair after its re-probe passed) or deleted starts afresh: its
     * cooldowns and failure window from before are forgotten — on this replica right after the commit, on the others
     * when the config change reaches them.
     */
    @EventListener
    public void onLocalChange(GatewayConfigChanged e) {
        if ("channel".equals(e.resourceKind())
                && (e.change() == GatewayConfigChanged.ChangeKind.ENABLED
                        || e.change() == GatewayConfigChanged.ChangeKind.DELETED)) {
            health.reset(e.resourceId());
        }
    }

    @KafkaListener(
            topics = Topics.GATEWAY_CONFIG,
            groupId = "gateway-health-#{T(java.util.UUID).randomUUID()}",
            properties = {"auto.offset.reset=latest"})
    public void onConfig(ConsumerRecord<String, String> record) {
        if (InboundEvents.read(record).data() instanceof GatewayConfigChanged e) {
            onLocalChange(e);
        }
    }
}
