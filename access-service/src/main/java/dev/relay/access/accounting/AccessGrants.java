package dev.relay.access.accounting;

import dev.relay.access.accounting.enforcement.KeyStates;
import dev.relay.contracts.AccessOptions;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@link RunAccessGrants} on the accounting tables: the run's consumer ({@code options.consumer()} by id or name, else
 * {@code run-<runId>}, created as an {@code application} when missing), the key attached to it, and the run's access —
 * an opening balance (or a top-up of a named consumer's existing one) keyed {@code run:<runId>}, or a subscription with
 * external ref {@code run:<runId>} — so every call after the first for the same run changes nothing. The consumer's
 * keys are judged at once: a key given to a consumer whose allowance is used up is exhausted from the start.
 */
@Component
public class AccessGrants implements RunAccessGrants {

    private final Accounts accounts;
    private final KeyStates keyStates;
    private final JdbcClient jdbc;
    private final Clock clock;

    public AccessGrants(Accounts accounts, KeyStates keyStates, DataSource dataSource, Clock clock) {
        this.accounts = accounts;
        this.keyStates = keyStates;
        this.jdbc = JdbcClient.create(dataSource);
        this.clock = clock;
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public String grant(UUID runId, String hostId, String groupId, String keyId, AccessOptions options) {
        String named = options.consumer() == null || options.consumer().isBlank() ? null : options.consumer();
        UUID consumerId = accounts.ensure(named == null ? "run-" + runId : named, runId);
        accounts.attachKey(hostId, keyId, consumerId, groupId, runId);
        switch (options.mode()) {
            case SELF_SERVICE -> {
                if (options.balanceTokens() != null) {
                    accounts.creditForRun(consumerId, runId, options.balanceTokens());
                }
            }
            case SUBSCRIPTION -> {
                if (options.allowanceTokens() == null) {
                    throw new IllegalArgumentException("a subscription run needs allowanceTokens (run " + runId + ")");
                }
                accounts.subscribe(
                        consumerId,
                        new Accounts.NewSubscription(
                                hostId,
                                groupId,
                                options.allowanceTokens(),
                                options.period() == null ? Period.MONTH : Period.parse(options.period()),
                                null,
                                options.expiresAt()),
                        "run:" + runId,
                        null);
            }
        }
        keyStates.evaluate(List.of(consumerId), clock.instant());
        return consumerId.toString();
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public void revoke(String hostId, String keyId) {
        jdbc.sql("DELETE FROM consumer_key WHERE host_id = :h AND key_id = :k")
                .param("h", hostId)
                .param("k", keyId)
                .update();
    }
}
