package dev.relay.access.accounting.ledger;

import dev.relay.contracts.MalformedEventException;
import dev.relay.contracts.Topics;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The usage ledger's listener container: batch listener, offsets committed after each batch's transaction, unreadable
 * records dead-lettered at once, every other failure retried with backoff (200 ms doubling to 5 s) without a limit.
 */
@Configuration
public class UsageListenerConfiguration {

    @Bean
    @SuppressWarnings({"unchecked", "rawtypes"})
    ConcurrentKafkaListenerContainerFactory<String, String> usageListenerContainerFactory(
            ConsumerFactory<?, ?> consumerFactory, KafkaOperations<?, ?> kafka) {
        ConcurrentKafkaListenerContainerFactory<String, String> f = new ConcurrentKafkaListenerContainerFactory<>();
        f.setConsumerFactory((ConsumerFactory) consumerFactory);
        f.setBatchListener(true);
        f.getContainerProperties().setAckMode(ContainerProperties.AckMode.BATCH);
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(5_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(
                new DeadLetterPublishingRecoverer(
                        kafka, (record, ex) -> new TopicPartition(Topics.deadLetter(record.topic()), -1)),
                backOff);
        handler.addNotRetryableExceptions(MalformedEventException.class);
        f.setCommonErrorHandler(handler);
        return f;
    }
}
