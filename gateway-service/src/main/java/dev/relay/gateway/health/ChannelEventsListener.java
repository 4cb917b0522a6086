package dev.relay.gateway.health;

import dev.relay.contracts.ChannelAutoDisabled;
import dev.relay.contracts.ChannelCooledDown;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.Topics;
import dev.relay.outbox.InboundEvents;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Thin adapter: every replica reads every channel-health event (its own consumer group, from the latest offset) and
 * applies other replicas' cooldowns, so a channel cooled down anywhere is cooled down everywhere.
 */
public class ChannelEventsListener {

    private final ChannelHealth health;

    public ChannelEventsListener(ChannelHealth health) {
        this.health = health;
    }

    @KafkaListener(
            topics = Topics.GATEWAY_CHANNEL,
            groupId = "gateway-channel-#{T(java.util.UUID).randomUUID()}",
            properties = {"auto.offset.reset=latest"})
    public void on(ConsumerRecord<String, String> record) {
        EventEnvelope envelope = InboundEvents.read(record);
        switch (envelope.data()) {
            case ChannelCooledDown e -> {
                if (!health.replicaId().equals(e.replicaId())) {
                    health.applyRemoteCooldown(e.channelId(), e.until());
                }
            }
            case ChannelAutoDisabled e -> health.reset(e.channelId());
            default ->
                throw new dev.relay.contracts.MalformedEventException(
                        "unexpected " + envelope.type() + " on " + Topics.GATEWAY_CHANNEL);
        }
    }
}
