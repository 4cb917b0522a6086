package dev.relay.access.accounting.enforcement;

import dev.relay.access.accounting.AccountStore;
import dev.relay.access.accounting.AccountingProperties;
import dev.relay.access.accounting.Allowances;
import dev.relay.outbox.DurableTimers;
import dev.relay.outbox.TimerHandler;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One durable timer per subscription, due at its next boundary: its start, the end of its current period, its expiry.
 * There the consumer's keys are judged again (a new period restores an exhausted key, an expiry may exhaust one) and
 * the timer moves to the following boundary, in one transaction; after the expiry it is done. Being a row, it
 * survives restarts, and with a test clock it fires when the clock passes the boundary.
 */
@Component
public class SubscriptionBoundaries implements TimerHandler {

    public static final String KIND = "accounting-boundary";

    private final DurableTimers timers;
    private final KeyStates keyStates;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final ZoneId zone;

    public SubscriptionBoundaries(
            DurableTimers timers,
            KeyStates keyStates,
            TransactionTemplate tx,
            DataSource dataSource,
            Clock clock,
            AccountingProperties properties) {
        this.timers = timers;
        this.keyStates = keyStates;
        this.tx = tx;
        this.jdbc = JdbcClient.create(dataSource);
        this.clock = clock;
        this.zone = properties.zone();
    }

    /** Schedules the subscription's next boundary after {@code now}, in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void schedule(Allowances.Subscription s, Instant now) {
        Instant next = s.nextBoundaryAfter(now, zone);
        if (next != null) {
            timers.schedule(KIND, s.id().toString(), next, null);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void fire(DurableTimers.Fired timer) {
        UUID id = UUID.fromString(timer.key());
        tx.executeWithoutResult(status -> {
            Optional<Row> row = jdbc.sql("SELECT consumer_id, id, host_id, group_id, allowance_tokens, period,"
                            + " starts_at, expires_at, created_at FROM subscription WHERE id = :id")
                    .param("id", id)
                    .query((rs, i) -> row(rs))
                    .optional();
            if (row.isEmpty()) {
                timers.complete(timer);
                return;
            }
            Instant now = clock.instant();
            keyStates.evaluate(List.of(row.get().consumerId()), now);
            Instant next = row.get().subscription().nextBoundaryAfter(now, zone);
            if (next == null) {
                timers.complete(timer);
            } else {
                timers.schedule(KIND, timer.key(), next, null);
            }
        });
    }

    private record Row(UUID consumerId, Allowances.Subscription subscription) {}

    private static Row row(ResultSet rs) throws java.sql.SQLException {
        return new Row(rs.getObject("consumer_id", UUID.class), AccountStore.subscription(rs));
    }
}
