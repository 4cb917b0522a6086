package dev.relay.gateway.health;

import dev.relay.contracts.ChannelAutoDisabled;
import dev.relay.contracts.ChannelCooledDown;
import dev.relay.contracts.FailureClass;
import dev.relay.gateway.config.ConfigService;
import dev.relay.outbox.OutboxWriter;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Makes channel-health decisions durable and shared, off the hot path (bounded-elastic threads): a cooldown is an
 * upserted {@code channel_cooldown} row plus a {@code gateway.channel-cooled-down} outbox event, in one transaction;
 * an auto-disable is a channel change made by the config service, the one writer of channel state ({@link
 * ConfigService#autoDisableChannel}), with {@code gateway.channel-auto-disabled} in the same transaction.
 */
public class ChannelHealthStore implements HealthEvents {

    private static final Logger log = LoggerFactory.getLogger(ChannelHealthStore.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final OutboxWriter outbox;
    private final Clock clock;
    private final String replicaId;
    /** The one writer of channel state (late: the config service itself needs the health logic's snapshot). */
    private final ObjectProvider<ConfigService> config;

    public ChannelHealthStore(
            JdbcClient jdbc,
            TransactionTemplate tx,
            OutboxWriter outbox,
            Clock clock,
            String replicaId,
            ObjectProvider<ConfigService> config) {
        this.config = config;
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.clock = clock;
        this.replicaId = replicaId;
    }

    @Override
    public void cooledDown(ChannelCooledDown event) {
        Mono.fromRunnable(() -> tx.executeWithoutResult(s -> {
                    int n = jdbc.sql(
                                    "INSERT INTO channel_cooldown (channel_id, cause, until, consecutive_failures, updated_at)"
                                            + " SELECT :id, :cause, :until, :failures, now() WHERE EXISTS (SELECT 1 FROM channel WHERE id = :id)"
                                            + " ON CONFLICT (channel_id) DO UPDATE SET cause = EXCLUDED.cause,"
                                            + " until = GREATEST(channel_cooldown.until, EXCLUDED.until),"
                                            + " consecutive_failures = EXCLUDED.consecutive_failures, updated_at = now()")
                            .param("id", event.channelId())
                            .param("cause", event.cause().name())
                            .param("until", Timestamp.from(event.until()))
                            .param("failures", event.consecutiveFailures())
                            .update();
                    if (n > 0) {
                        outbox.append(event);
                    }
                }))
                .subscribeOn(Schedulers.boundedElastic())
                .subscribe(
                        null,
                        e -> log.warn("could not record cooldown of channel {}: {}", event.channelId(), e.toString()));
    }

    @Override
    public void autoDisable(String channelId, FailureClass cause, String detail) {
        Mono.fromRunnable(() -> {
                    Instant now = clock.instant();
                    boolean disabled = config.getObject()
                            .autoDisableChannel(
                                    channelId,
                                    cause.name() + ": " + truncate(detail),
                                    List.of(new ChannelAutoDisabled(
                                            channelId, cause, truncate(detail), replicaId, now)));
                    if (disabled) {
                        log.warn("channel {} auto-disabled: {}", channelId, cause);
                    }
                })
                .subscribeOn(Schedulers.boundedElastic())
                .subscribe(null, e -> log.warn("could not auto-disable channel {}: {}", channelId, e.toString()));
    }

    /** Cooldowns still running, e.g. to seed a replica at start. */
    public void loadActiveCooldowns(ChannelHealth health) {
        jdbc.sql("SELECT channel_id, until, cause FROM channel_cooldown WHERE until > :now")
                .param("now", Timestamp.from(clock.instant()))
                .query((rs, i) -> {
                    health.applyRemoteCooldown(
                            rs.getString(1), rs.getTimestamp(2).toInstant(), cause(rs.getString(3)));
                    return null;
                })
                .list();
    }

    private static dev.relay.contracts.ChannelCooledDown.CooldownCause cause(String name) {
        try {
            return name == null ? null : dev.relay.contracts.ChannelCooledDown.CooldownCause.valueOf(name);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    private static String truncate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) : s;
    }
}
