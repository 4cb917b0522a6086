package dev.relay.access.accounting.enforcement;

import dev.relay.access.accounting.AccountStore;
import dev.relay.access.edge.EdgeAdmins;
import dev.relay.contracts.edge.EdgeAdminException;
import dev.relay.outbox.DurableTimers;
import dev.relay.outbox.TimerHandler;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tells a host the state accounting wants a key in: {@code POST /admin/v1/keys/{id}/exhaust {"reason", "until"}} or
 * {@code POST /admin/v1/keys/{id}/restore}. One durable timer per key, scheduled by {@link KeyStates} with each
 * transition; a failed call is retried by the timer runner with backoff, and a crash re-runs it. Calls for one key are
 * serialised across replicas by a transaction-scoped advisory lock held over the call, and each call sends the newest
 * wanted state, so an older call can never land after a newer one. The host learns only what it needs: exhausted,
 * why, and until when; it refuses such a key from its own snapshot.
 */
@Component
public class KeySync implements TimerHandler {

    public static final String KIND = "accounting-key-sync";

    private static final Logger log = LoggerFactory.getLogger(KeySync.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AccountStore store;
    private final EdgeAdmins edges;
    private final DurableTimers timers;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final Clock clock;

    public KeySync(
            AccountStore store,
            EdgeAdmins edges,
            DurableTimers timers,
            TransactionTemplate tx,
            DataSource dataSource,
            Clock clock) {
        this.store = store;
        this.edges = edges;
        this.timers = timers;
        this.tx = tx;
        this.jdbc = JdbcClient.create(dataSource);
        this.clock = clock;
    }

    static String timerKey(String hostId, String keyId) {
        return hostId + "/" + keyId;
    }

    static String payload(AccountStore.KeyRow key) {
        ObjectNode n = JSON.createObjectNode();
        n.put("hostId", key.hostId());
        n.put("keyId", key.keyId());
        return n.toString();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int concurrency() {
        return 8;
    }

    @Override
    public void fire(DurableTimers.Fired timer) {
        JsonNode p = JSON.readTree(timer.payload());
        String hostId = p.path("hostId").asString();
        String keyId = p.path("keyId").asString();
        tx.executeWithoutResult(s -> {
            jdbc.sql("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))) AS locked")
                    .param("k", "accounting-key:" + timerKey(hostId, keyId))
                    .query(Integer.class)
                    .single();
            Optional<AccountStore.KeyRow> row = store.key(hostId, keyId);
            if (row.isEmpty() || row.get().edgeInSync()) {
                timers.complete(timer);
                return;
            }
            AccountStore.KeyRow key = row.get();
            call(key);
            jdbc.sql("UPDATE consumer_key SET edge_version = GREATEST(edge_version, :v), edge_synced_at = :now"
                            + " WHERE host_id = :h AND key_id = :k")
                    .param("v", key.stateVersion())
                    .param("now", Timestamp.from(clock.instant()))
                    .param("h", hostId)
                    .param("k", keyId)
                    .update();
            timers.complete(timer); // false when a newer transition rescheduled it: that run sends the newer state
        });
    }

    private void call(AccountStore.KeyRow key) {
        try {
            if (key.exhausted()) {
                ObjectNode body = JSON.createObjectNode();
                body.put("reason", key.exhaustedReason());
                if (key.exhaustedUntil() == null) {
                    body.putNull("until");
                } else {
                    body.put("until", key.exhaustedUntil().toString());
                }
                edges.forHost(key.hostId()).action("keys", key.keyId(), "exhaust", body);
            } else {
                edges.forHost(key.hostId()).action("keys", key.keyId(), "restore", null);
            }
            log.info(
                    "host {} told key {} is {}",
                    key.hostId(),
                    key.keyId(),
                    key.exhausted() ? "exhausted until " + key.exhaustedUntil() : "restored");
        } catch (EdgeAdminException e) {
            if (e.status() == 404 && "key_not_found".equals(e.code())) {
                log.warn("key {} is gone from host {}; nothing to tell it", key.keyId(), key.hostId());
                return;
            }
            throw e;
        }
    }
}
