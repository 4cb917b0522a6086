package dev.relay.gateway.config;

import dev.relay.contracts.SecretBox;
import dev.relay.gateway.routing.SnapshotHolder;
import dev.relay.outbox.OutboxWriter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/** Wires the config store, the routing snapshot, the three ways it is kept current and the replica heartbeat. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayConfigProperties.class)
public class GatewayConfigConfiguration {

    /**
     * The master key sealing upstream credentials. Start-up fails here, with the fix in the message, when it is
     * missing or malformed: the gateway cannot serve without opening its credentials.
     */
    @Bean
    SecretBox secretBox(GatewayConfigProperties properties) {
        return masterKey(properties.masterKeyId(), properties.masterKey());
    }

    static SecretBox masterKey(String keyId, String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalStateException("relay.gateway.master-key is not set: set RELAY_MASTER_KEY to the base64"
                    + " of 32 random bytes (e.g. `openssl rand -base64 32`); keep it stable, it opens every stored"
                    + " upstream credential");
        }
        try {
            return SecretBox.fromBase64(keyId, base64);
        } catch (IllegalArgumentException ex) {
            throw new IllegalStateException("relay.gateway.master-key (RELAY_MASTER_KEY) is invalid: " + ex.getMessage()
                    + "; it must be the base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)");
        }
    }

    @Bean
    SnapshotHolder snapshotHolder() {
        return new SnapshotHolder();
    }

    @Bean
    ConfigRepository configRepository(JdbcClient jdbc, GatewayConfigProperties properties) {
        return new ConfigRepository(jdbc, properties.masterKeyId());
    }

    @Bean
    SnapshotLoader snapshotLoader(
            ConfigRepository repository,
            PlatformTransactionManager transactionManager,
            SecretBox secretBox,
            SnapshotHolder holder,
            MeterRegistry registry,
            ReplicaHeartbeat heartbeat,
            GatewayConfigProperties properties) {
        return new SnapshotLoader(
                repository,
                transactionManager,
                secretBox,
                holder,
                registry,
                properties.configReloadCoalesceWindow(),
                heartbeat::installed);
    }

    @Bean
    Replicas replicas(JdbcClient jdbc) {
        return new Replicas(jdbc);
    }

    @Bean
    ReplicaHeartbeat replicaHeartbeat(
            Replicas replicas, SnapshotHolder holder, ReplicaId replica, GatewayConfigProperties properties) {
        return new ReplicaHeartbeat(replicas, holder, replica.value(), properties.replicaHeartbeatInterval());
    }

    @Bean
    ConfigService configService(
            ConfigRepository repository,
            PlatformTransactionManager transactionManager,
            OutboxWriter outbox,
            SecretBox secretBox,
            Clock clock,
            SnapshotLoader snapshots,
            ApplicationEventPublisher publisher) {
        return new ConfigService(repository, transactionManager, outbox, secretBox, clock, snapshots, publisher);
    }

    @Bean
    ConfigEventsConsumerGroup configEventsConsumerGroup() {
        return ConfigEventsConsumerGroup.random();
    }

    @Bean
    ConfigChangeListener configChangeListener(SnapshotLoader snapshots) {
        return new ConfigChangeListener(snapshots);
    }

    @Bean
    ConfigVersionPoller configVersionPoller(
            ConfigRepository repository, SnapshotLoader snapshots, GatewayConfigProperties properties) {
        return new ConfigVersionPoller(repository, snapshots, properties.configPollInterval());
    }

    /**
     * {@code relay_gateway_config_version}: the config version of this replica's installed snapshot;
     * {@code relay_gateway_config_unopenable_channels}: channels left out because the master key cannot open them.
     */
    @Bean
    MeterBinder configVersionGauge(SnapshotHolder holder) {
        return registry -> Gauge.builder(
                        "relay_gateway_config_version", holder, h -> h.get().version())
                .description("Config version of the routing snapshot this replica serves")
                .register(registry);
    }
}
