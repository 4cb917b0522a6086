package dev.relay.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Wiring: the Kafka sink is the gateway's UsageSink, configured under relay.gateway.metering. */
class MeteringConfigurationTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(MeteringConfiguration.class)
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues(
                    "relay.gateway.metering.bootstrap-servers=127.0.0.1:" + deadPort(),
                    "relay.gateway.metering.close-timeout=200ms");

    @Test
    void makesTheKafkaSinkTheUsageSinkWithItsJournalInTheConfiguredDirectory() {
        Path journal = dir.resolve("usage");
        runner.withPropertyValues(
                        "relay.gateway.metering.journal-dir=" + journal, "relay.gateway.metering.segment-size=1MB")
                .run(context -> {
                    assertThat(context).hasSingleBean(UsageSink.class);
                    KafkaUsageSink sink = context.getBean(KafkaUsageSink.class);
                    assertThat(sink.journal().directory()).isEqualTo(journal);
                    assertThat(context.getBean(MeteringProperties.class)
                                    .segmentSize()
                                    .toMegabytes())
                            .isEqualTo(1);
                    assertThat(context.getBean(MeterRegistry.class)
                                    .get(UsageMetrics.KAFKA_AVAILABLE)
                                    .gauge()
                                    .value())
                            .isZero();
                });
    }

    @Test
    void makesNoSinkWhenMeteringIsDisabled() {
        runner.withPropertyValues("relay.gateway.metering.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(UsageSink.class));
    }

    @Test
    void givesARandomPortInstanceAJournalOfItsOwnThatIsRemovedWhenEmpty() {
        Path[] journal = new Path[1];
        runner.withPropertyValues("server.port=0", "relay.gateway.metering.journal-dir=")
                .run(context -> {
                    journal[0] = context.getBean(KafkaUsageSink.class).journal().directory();
                    assertThat(journal[0].getFileName().toString()).startsWith("relay-usage-journal-0-");
                    assertThat(journal[0]).isDirectory();
                });
        assertThat(Files.exists(journal[0])).isFalse();
    }

    private static int deadPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
