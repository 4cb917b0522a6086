package dev.relay.outbox.spine;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.ItemConfirmed;
import dev.relay.outbox.OutboxWriter;
import java.time.Clock;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** State change + outbox row in one short transaction, the way every Relay service writes. */
@Service
class SpineItemService {

    private final JdbcClient jdbc;
    private final OutboxWriter outbox;
    private final Clock clock;

    SpineItemService(JdbcClient jdbc, OutboxWriter outbox, Clock clock) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Moves the item to READY at {@code attempt} and records item.confirmed; fails after the outbox write if told. */
    @Transactional
    EventEnvelope confirm(UUID runId, UUID itemId, int attempt, boolean failAfterWrite) {
        jdbc.sql("INSERT INTO spine_item (id, state, attempt) VALUES (:id, 'READY', :attempt)"
                        + " ON CONFLICT (id) DO UPDATE SET state = 'READY', attempt = :attempt")
                .param("id", itemId)
                .param("attempt", attempt)
                .update();
        EventEnvelope written = outbox.append(new ItemConfirmed(
                runId,
                itemId,
                attempt,
                "sim-gpt-4o",
                dev.relay.contracts.AccessStatus.SELF_SERVICE_READY,
                java.util.List.of(),
                3,
                40,
                clock.instant()));
        if (failAfterWrite) {
            throw new IllegalStateException("simulated failure after the outbox write");
        }
        return written;
    }
}
