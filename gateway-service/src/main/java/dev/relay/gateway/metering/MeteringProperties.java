package dev.relay.gateway.metering;

import dev.relay.contracts.Topics;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code relay.gateway.metering.*}: where usage events go and how the local journal behaves while Kafka is away. Every
 * value has a default; see {@code docs/metering.md} for the reasoning behind them.
 *
 * @param enabled false replaces nothing: no {@link UsageSink} bean is made (something else must provide one)
 * @param topic Kafka topic of usage events
 * @param bootstrapServers Kafka to send to; null means {@code spring.kafka.bootstrap-servers}
 * @param journalDir journal directory; null means {@code ${java.io.tmpdir}/relay-usage-journal-<server.port>}
 *     (set it to a persistent volume in production: a temp directory may not survive a reboot)
 * @param journalMaxSize journal bytes on disk above which new events are dropped (and counted)
 * @param segmentSize journal segment file size; a segment is deleted once every event in it was acknowledged
 * @param queueCapacity events waiting for the journal writer thread; beyond it events are dropped (and counted)
 * @param flushInterval the journal writer forces written data to disk at least this often
 * @param replayInterval how often the replayer looks for journaled events (and so probes Kafka) while idle
 * @param replayBatchSize journaled events sent per replay round; the journal advances past the acknowledged prefix
 * @param stallTimeout direct sends that see no acknowledgement for this long switch new events to the journal
 * @param linger producer {@code linger.ms}
 * @param batchSize producer {@code batch.size}
 * @param compression producer {@code compression.type} ({@code lz4}, {@code zstd}, {@code snappy}, {@code gzip},
 *     {@code none})
 * @param bufferMemory producer {@code buffer.memory}; a full buffer sends new events to the journal
 * @param maxBlock producer {@code max.block.ms}: how long {@code send} may block the request thread (keep it 0)
 * @param requestTimeout producer {@code request.timeout.ms}
 * @param deliveryTimeout producer {@code delivery.timeout.ms}: an unacknowledged event is journaled after this
 * @param closeTimeout how long shutdown waits for in-flight events before journaling them
 */
@ConfigurationProperties("relay.gateway.metering")
public record MeteringProperties(
        Boolean enabled,
        String topic,
        String bootstrapServers,
        Path journalDir,
        DataSize journalMaxSize,
        DataSize segmentSize,
        Integer queueCapacity,
        Duration flushInterval,
        Duration replayInterval,
        Integer replayBatchSize,
        Duration stallTimeout,
        Duration linger,
        DataSize batchSize,
        String compression,
        DataSize bufferMemory,
        Duration maxBlock,
        Duration requestTimeout,
        Duration deliveryTimeout,
        Duration closeTimeout) {

    public MeteringProperties {
        enabled = enabled == null || enabled;
        topic = topic == null || topic.isBlank() ? Topics.USAGE : topic;
        bootstrapServers = bootstrapServers == null || bootstrapServers.isBlank() ? null : bootstrapServers;
        journalDir = journalDir == null || journalDir.toString().isBlank() ? null : journalDir;
        journalMaxSize = journalMaxSize == null ? DataSize.ofGigabytes(1) : journalMaxSize;
        segmentSize = segmentSize == null ? DataSize.ofMegabytes(16) : segmentSize;
        queueCapacity = queueCapacity == null ? 32_768 : queueCapacity;
        flushInterval = flushInterval == null ? Duration.ofMillis(100) : flushInterval;
        replayInterval = replayInterval == null ? Duration.ofSeconds(1) : replayInterval;
        replayBatchSize = replayBatchSize == null ? 1000 : replayBatchSize;
        stallTimeout = stallTimeout == null ? Duration.ofSeconds(5) : stallTimeout;
        linger = linger == null ? Duration.ofMillis(5) : linger;
        batchSize = batchSize == null ? DataSize.ofKilobytes(64) : batchSize;
        compression = compression == null || compression.isBlank() ? "lz4" : compression;
        bufferMemory = bufferMemory == null ? DataSize.ofMegabytes(32) : bufferMemory;
        maxBlock = maxBlock == null ? Duration.ZERO : maxBlock;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        deliveryTimeout = deliveryTimeout == null ? Duration.ofSeconds(30) : deliveryTimeout;
        closeTimeout = closeTimeout == null ? Duration.ofSeconds(5) : closeTimeout;
        if (segmentSize.toBytes() < 1024 || journalMaxSize.toBytes() < segmentSize.toBytes()) {
            throw new IllegalArgumentException(
                    "relay.gateway.metering: segment-size must be >= 1KB and <= journal-max-size" + " (got "
                            + segmentSize + ", " + journalMaxSize + ")");
        }
        if (queueCapacity < 1 || replayBatchSize < 1) {
            throw new IllegalArgumentException(
                    "relay.gateway.metering: queue-capacity and replay-batch-size must be >= 1");
        }
        if (deliveryTimeout.compareTo(linger.plus(requestTimeout)) < 0) {
            throw new IllegalArgumentException(
                    "relay.gateway.metering: delivery-timeout must be >= linger + request-timeout (Kafka requires it)");
        }
    }

    /** Every default. */
    public static MeteringProperties defaults() {
        return new MeteringProperties(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    UsageJournal.Settings journalSettings(Path directory, boolean perProcessDirectory) {
        return new UsageJournal.Settings(
                directory,
                segmentSize.toBytes(),
                journalMaxSize.toBytes(),
                queueCapacity,
                flushInterval,
                perProcessDirectory);
    }
}
