package dev.relay.access.accounting;

import dev.relay.testsupport.SuiteCleanup;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Deletes what the accounting integration tests created, when the module's test run ends: consumers and everything
 * hanging off them, request rows ingested since the run started and their roll-ups (test keys are named {@code itk-...},
 * so roll-ups of events dated in the past go too), accounting's timers, and the edge resources the tests made through
 * the gateway processes.
 */
public final class AccountingTestDataCleanup implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        SuiteCleanup.register(
                context,
                "access-accounting",
                // a debit or top-up still arriving waits (its foreign key) until the consumers are gone
                "SELECT id FROM access.consumer WHERE created_at >= ? FOR UPDATE",
                "DELETE FROM access.usage_request WHERE ingested_at >= ?",
                "DELETE FROM access.usage_hourly WHERE key_id LIKE 'itk-%' OR hour >= date_trunc('hour', ?::timestamptz)",
                "DELETE FROM access.subscription_period p USING access.subscription s, access.consumer c"
                        + " WHERE p.subscription_id = s.id AND s.consumer_id = c.id AND c.created_at >= ?",
                "DELETE FROM access.subscription s USING access.consumer c"
                        + " WHERE s.consumer_id = c.id AND c.created_at >= ?",
                "DELETE FROM access.balance_entry e USING access.consumer c"
                        + " WHERE e.consumer_id = c.id AND c.created_at >= ?",
                "DELETE FROM access.consumer_key k USING access.consumer c"
                        + " WHERE k.consumer_id = c.id AND c.created_at >= ?",
                "DELETE FROM access.consumer WHERE created_at >= ?",
                "DELETE FROM access.host WHERE updated_at >= ?",
                "DELETE FROM access.timer WHERE created_at >= ?");
        SuiteCleanup.register(
                context,
                "accounting-gateway",
                "DELETE FROM gateway.client_key WHERE created_at >= ?",
                "DELETE FROM gateway.channel WHERE created_at >= ?",
                "DELETE FROM gateway.client_group WHERE created_at >= ?",
                "DELETE FROM gateway.outbox WHERE created_at >= ?",
                "DELETE FROM gateway.inbox WHERE processed_at >= ?");
    }
}
