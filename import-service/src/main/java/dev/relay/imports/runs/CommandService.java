package dev.relay.imports.runs;

import dev.relay.contracts.ItemCancelRequested;
import dev.relay.contracts.ItemRetryRequested;
import dev.relay.contracts.ItemRollbackRequested;
import dev.relay.imports.web.ProblemException;
import dev.relay.imports.web.Problems;
import dev.relay.outbox.OutboxWriter;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The operator's commands on items: each is written as a command event through the outbox; the projection consumes
 * it and emits the resulting fact ({@code item.submitted} for a retry, {@code item.cancelled}), so the state moves only
 * through events.
 */
@Service
public class CommandService {

    private final JdbcClient jdbc;
    private final OutboxWriter outbox;
    private final Clock clock;

    public CommandService(JdbcClient jdbc, OutboxWriter outbox, Clock clock) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Transactional
    public void retry(UUID runId, UUID itemId, String by) {
        ItemState state = state(runId, itemId);
        if (state != ItemState.FAILED) {
            throw new ProblemException(Problems.of(
                    HttpStatus.CONFLICT, "not_retryable", "only a FAILED item can be retried; this one is " + state));
        }
        outbox.append(new ItemRetryRequested(runId, itemId, by, clock.instant()));
    }

    @Transactional
    public void cancel(UUID runId, UUID itemId, String by) {
        ItemState state = state(runId, itemId);
        if (state.terminal()) {
            throw new ProblemException(Problems.of(
                    HttpStatus.CONFLICT,
                    "already_terminal",
                    "the item is already " + state + " and cannot be cancelled"));
        }
        outbox.append(new ItemCancelRequested(runId, itemId, by, clock.instant()));
    }

    /** Cancels every item of the run that is not terminal yet; returns how many. */
    @Transactional
    public int cancelRun(UUID runId, String by) {
        lockRun(runId);
        List<UUID> open = jdbc.sql("SELECT id FROM import_item WHERE run_id = :run"
                        + " AND state NOT IN ('READY', 'FAILED', 'DUPLICATE', 'CANCELLED', 'ROLLED_BACK') ORDER BY idx")
                .param("run", runId)
                .query(UUID.class)
                .list();
        for (UUID item : open) {
            outbox.append(new ItemCancelRequested(runId, item, by, clock.instant()));
        }
        return open.size();
    }

    /**
     * Asks access-service to roll the item back by its ledger. Any item but a duplicate (which never provisioned
     * anything) may be rolled back, whatever its state; asking again is harmless.
     */
    @Transactional
    public void rollback(UUID runId, UUID itemId, String by) {
        ItemState state = state(runId, itemId);
        if (state == ItemState.DUPLICATE) {
            throw new ProblemException(Problems.of(
                    HttpStatus.CONFLICT, "nothing_to_roll_back", "a duplicate item never provisioned anything"));
        }
        outbox.append(new ItemRollbackRequested(runId, itemId, by, clock.instant()));
    }

    /**
     * Rolls every item of the run back (one command per item, so each stays ordered with the item's own events);
     * returns how many were asked.
     */
    @Transactional
    public int rollbackRun(UUID runId, String by) {
        lockRun(runId);
        List<UUID> items = jdbc.sql(
                        "SELECT id FROM import_item WHERE run_id = :run AND state <> 'DUPLICATE'" + " ORDER BY idx")
                .param("run", runId)
                .query(UUID.class)
                .list();
        for (UUID item : items) {
            outbox.append(new ItemRollbackRequested(runId, item, by, clock.instant()));
        }
        return items.size();
    }

    /** Locks the run's row for the caller's transaction; 404 when there is no such run. */
    private void lockRun(UUID runId) {
        boolean exists = jdbc.sql("SELECT id FROM import_run WHERE id = :id FOR UPDATE")
                .param("id", runId)
                .query(UUID.class)
                .optional()
                .isPresent();
        if (!exists) {
            throw new ProblemException(Problems.of(HttpStatus.NOT_FOUND, "run_not_found", "no run " + runId));
        }
    }

    private ItemState state(UUID runId, UUID itemId) {
        return jdbc.sql("SELECT state FROM import_item WHERE id = :id AND run_id = :run")
                .param("id", itemId)
                .param("run", runId)
                .query(String.class)
                .optional()
                .map(ItemState::valueOf)
                .orElseThrow(() -> new ProblemException(
                        Problems.of(HttpStatus.NOT_FOUND, "item_not_found", "no item " + itemId + " in run " + runId)));
    }
}
