package dev.relay.outbox;

import dev.relay.contracts.MalformedEventException;
import dev.relay.contracts.Topics;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Wires the outbox writer, inbox guard and janitor for a service that sets {@code relay.outbox.schema}, and a Kafka
 * error handler that dead-letters poison records at once and retries other failures with backoff before
 * dead-lettering them, so one bad event never blocks a partition.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration"
        })
@ConditionalOnProperty(prefix = "relay.outbox", name = "schema")
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock relayClock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    TraceContext relayTraceContext() {
        return TraceContext.NONE;
    }

    @Bean
    @ConditionalOnMissingBean
    OutboxWriter outboxWriter(DataSource dataSource, OutboxProperties properties, TraceContext traceContext) {
        return new OutboxWriter(JdbcClient.create(dataSource), properties, traceContext);
    }

    @Bean
    @ConditionalOnMissingBean
    InboxGuard inboxGuard(DataSource dataSource, OutboxProperties properties) {
        return new InboxGuard(JdbcClient.create(dataSource), properties);
    }

    /**
     * The shared migrations ({@code db/relay-outbox}, versions 0.x) are applied into every service's schema next to
     * its own (V1...). A shared one added later (the durable timers, 0.2) sorts before versions a service has already
     * applied, so it must be applied out of order rather than fail validation on an existing database.
     */
    @Bean
    org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer relaySharedMigrationsOutOfOrder() {
        return configuration -> configuration.outOfOrder(true);
    }

    @Bean
    @ConditionalOnMissingBean
    DurableTimers durableTimers(DataSource dataSource, OutboxProperties properties, Clock clock) {
        return new DurableTimers(JdbcClient.create(dataSource), properties, clock);
    }

    /** Runs the service's {@link TimerHandler}s (none: the runner stays idle). */
    @Bean
    @ConditionalOnMissingBean
    TimerRunner timerRunner(DurableTimers timers, ObjectProvider<TimerHandler> handlers, OutboxProperties properties) {
        return new TimerRunner(
                timers, handlers.orderedStream().toList(), properties.timerPollInterval(), properties.timerLease());
    }

    @Bean
    @ConditionalOnMissingBean
    OutboxJanitor outboxJanitor(
            DataSource dataSource,
            OutboxProperties properties,
            Clock clock,
            PlatformTransactionManager transactionManager,
            ObjectProvider<TaskScheduler> schedulers) {
        OutboxJanitor janitor = new OutboxJanitor(
                JdbcClient.create(dataSource), properties, clock, new TransactionTemplate(transactionManager));
        TaskScheduler scheduler = schedulers.getIfAvailable(() -> {
            ThreadPoolTaskScheduler s = new ThreadPoolTaskScheduler();
            s.setThreadNamePrefix("outbox-janitor-");
            s.setDaemon(true);
            s.initialize();
            return s;
        });
        scheduler.scheduleWithFixedDelay(janitor::purge, properties.cleanupInterval());
        return janitor;
    }

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    @ConditionalOnBean(KafkaOperations.class)
    DefaultErrorHandler relayKafkaErrorHandler(KafkaOperations<?, ?> kafka) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(
                kafka, (record, ex) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(5_000);
        backOff.setMaxAttempts(6);
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(MalformedEventException.class);
        return handler;
    }
}
