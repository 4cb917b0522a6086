package dev.relay.access.accounting.enforcement;

import dev.relay.access.accounting.AccountStore;
import dev.relay.access.accounting.AccountingProperties;
import dev.relay.access.accounting.Allowances;
import dev.relay.outbox.DurableTimers;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Judges a consumer's keys ({@link Allowances#verdict}) and records each change of a key's wanted state (exhausted or
 * not, reason, until) as a transition: {@code state_version + 1} and a {@link KeySync} timer due at once, in the
 * caller's transaction. So the host is called only on transitions, after the change commits, and a crash cannot lose
 * the call.
 */
@Component
public class KeyStates {

    private static final Logger log = LoggerFactory.getLogger(KeyStates.class);

    private final AccountStore store;
    private final DurableTimers timers;
    private final JdbcClient jdbc;
    private final ZoneId zone;

    public KeyStates(AccountStore store, DurableTimers timers, DataSource dataSource, AccountingProperties properties) {
        this.store = store;
        this.timers = timers;
        this.jdbc = JdbcClient.create(dataSource);
        this.zone = properties.zone();
    }

    /** Re-judges every key of these consumers at {@code now}; returns the number of transitions. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int evaluate(Collection<UUID> consumerIds, Instant now) {
        if (consumerIds.isEmpty()) {
            return 0;
        }
        Map<UUID, AccountStore.ConsumerRow> consumers = store.lockConsumers(consumerIds);
        Map<UUID, List<Allowances.Subscription>> subscriptions = store.subscriptions(consumers.keySet());
        Map<String, Long> used = new HashMap<>();
        Allowances.Usage usage = (id, start) -> used.computeIfAbsent(id + "@" + start, k -> store.used(id, start));
        int transitions = 0;
        for (AccountStore.KeyRow key : store.keysOf(consumers.keySet())) {
            AccountStore.ConsumerRow c = consumers.get(key.consumerId());
            Allowances.Account account =
                    new Allowances.Account(c.balanceTokens(), subscriptions.getOrDefault(c.id(), List.of()));
            Allowances.Verdict v = Allowances.verdict(account, key.hostId(), key.groupId(), now, zone, usage);
            if (v.exhausted() != key.exhausted()
                    || !Objects.equals(v.reason(), key.exhaustedReason())
                    || !Objects.equals(v.until(), key.exhaustedUntil())) {
                transition(key, v, now);
                transitions++;
            }
        }
        return transitions;
    }

    private void transition(AccountStore.KeyRow key, Allowances.Verdict v, Instant now) {
        jdbc.sql("UPDATE consumer_key SET exhausted = :e, exhausted_reason = :r, exhausted_until = :u,"
                        + " state_version = state_version + 1, updated_at = :now"
                        + " WHERE host_id = :h AND key_id = :k")
                .param("e", v.exhausted())
                .param("r", v.reason())
                .param("u", v.until() == null ? null : Timestamp.from(v.until()))
                .param("now", Timestamp.from(now))
                .param("h", key.hostId())
                .param("k", key.keyId())
                .update();
        timers.schedule(KeySync.KIND, KeySync.timerKey(key.hostId(), key.keyId()), now, KeySync.payload(key));
        if (v.exhausted()) {
            log.info(
                    "key {} on host {} (consumer {}) exhausted: {}; until {}",
                    key.keyId(),
                    key.hostId(),
                    key.consumerId(),
                    v.reason(),
                    v.until() == null ? "an operator acts" : v.until());
        } else {
            log.info("key {} on host {} (consumer {}) has access again", key.keyId(), key.hostId(), key.consumerId());
        }
    }
}
