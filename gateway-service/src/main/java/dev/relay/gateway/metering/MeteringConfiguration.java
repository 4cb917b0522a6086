package dev.relay.gateway.metering;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Makes the {@link KafkaUsageSink} the gateway's {@link UsageSink} ({@code relay.gateway.metering.enabled=false}: none,
 * provide another). Kafka is {@code relay.gateway.metering.bootstrap-servers}, else {@code spring.kafka.*}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MeteringProperties.class)
@ConditionalOnBooleanProperty(name = "relay.gateway.metering.enabled", matchIfMissing = true)
public class MeteringConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MeteringConfiguration.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    @Bean(destroyMethod = "close")
    KafkaUsageSink kafkaUsageSink(
            MeteringProperties properties,
            ObjectProvider<KafkaProperties> kafka,
            Environment environment,
            MeterRegistry registry)
            throws IOException {
        KafkaProperties spring = kafka.getIfAvailable(KafkaProperties::new);
        String bootstrap = properties.bootstrapServers() != null
                ? properties.bootstrapServers()
                : String.join(",", spring.getBootstrapServers());
        Map<String, Object> producerConfig =
                KafkaUsageSink.producerConfig(properties, bootstrap, spring.buildProducerProperties());
        if (properties.journalDir() != null) {
            // configured: this instance's own journal; refuse to share it
            return KafkaUsageSink.start(
                    properties, producerConfig, properties.journalSettings(properties.journalDir(), false), registry);
        }
        int port = environment.getProperty("server.port", Integer.class, 8080);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (port > 0) {
            Path dir = tmp.resolve("relay-usage-journal-" + port);
            try {
                return KafkaUsageSink.start(
                        properties, producerConfig, properties.journalSettings(dir, false), registry);
            } catch (UsageJournal.JournalInUseException ex) {
                log.warn("{}; using a directory of this process instead", ex.getMessage());
            }
        }
        // a random port (tests) or the port's directory is taken: a directory nobody will look for after this process
        Path own = tmp.resolve("relay-usage-journal-" + Math.max(port, 0) + "-"
                + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet());
        return KafkaUsageSink.start(properties, producerConfig, properties.journalSettings(own, true), registry);
    }
}
