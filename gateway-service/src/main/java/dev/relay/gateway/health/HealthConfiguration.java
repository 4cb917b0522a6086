package dev.relay.gateway.health;

import dev.relay.gateway.config.ReplicaId;
import dev.relay.gateway.routing.SnapshotHolder;
import dev.relay.outbox.OutboxWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Durable, shared channel health. */
@Configuration(proxyBeanMethods = false)
public class HealthConfiguration {

    @Bean
    ChannelHealthStore channelHealthStore(
            DataSource dataSource,
            PlatformTransactionManager tm,
            OutboxWriter outbox,
            Clock clock,
            ReplicaId replica,
            org.springframework.beans.factory.ObjectProvider<dev.relay.gateway.config.ConfigService> config) {
        return new ChannelHealthStore(
                JdbcClient.create(dataSource), new TransactionTemplate(tm), outbox, clock, replica.value(), config);
    }

    @Bean
    ChannelEventsListener channelEventsListener(ChannelHealth health, Clock clock) {
        return new ChannelEventsListener(health, clock);
    }

    @Bean
    ChannelStateMetrics channelStateMetrics(SnapshotHolder snapshots, ChannelHealth health, MeterRegistry registry) {
        return new ChannelStateMetrics(snapshots, health, registry);
    }

    @Bean
    ApplicationRunner loadCooldowns(ChannelHealthStore store, ChannelHealth health) {
        return args -> store.loadActiveCooldowns(health);
    }
}
