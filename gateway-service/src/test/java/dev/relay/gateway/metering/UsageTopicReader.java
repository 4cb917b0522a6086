package dev.relay.gateway.metering;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the usage topic from "now" on (the topic is shared with other tests and the running gateway), keeping only
 * the records whose key a test is waiting for. No consumer group: partitions are assigned, offsets never committed.
 */
public final class UsageTopicReader implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    private UsageTopicReader(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5000));
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start now, not at the first poll
    }

    public static UsageTopicReader fromNow(String bootstrap, String topic) {
        return new UsageTopicReader(bootstrap, topic);
    }

    /**
     * Polls until every key has arrived, then to the end of the topic (so that a late duplicate is seen too).
     *
     * @return every record with one of {@code keys}, duplicates included, in arrival order
     */
    public List<ConsumerRecord<String, String>> awaitAll(Set<String> keys, Duration timeout) {
        Set<String> missing = new HashSet<>(keys);
        await().atMost(timeout)
                .pollInSameThread()
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    poll(keys, missing);
                    return missing.isEmpty();
                });
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        await().atMost(timeout)
                .pollInSameThread()
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    poll(keys, missing);
                    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                });
        return List.copyOf(seen);
    }

    private void poll(Set<String> keys, Set<String> missing) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            if (keys.contains(r.key())) {
                seen.add(r);
                missing.remove(r.key());
            }
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
