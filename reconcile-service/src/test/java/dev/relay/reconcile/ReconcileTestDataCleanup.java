package dev.relay.reconcile;

import dev.relay.testsupport.SuiteCleanup;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Deletes what reconcile-service's integration tests created, when they end: in schema {@code reconcile}, and in the
 * schemas the processes they start fill ({@code access}, {@code gateway}, {@code imports}, {@code probe}).
 */
public final class ReconcileTestDataCleanup implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        SuiteCleanup.register(
                context,
                "reconcile",
                "DELETE FROM reconcile.finding WHERE created_at >= ?",
                "DELETE FROM reconcile.pass WHERE requested_at >= ?",
                "DELETE FROM reconcile.ledger_resource WHERE recorded_at >= ?",
                "DELETE FROM reconcile.ready_item WHERE updated_at >= ?",
                "DELETE FROM reconcile.run_policy WHERE updated_at >= ?",
                // hosts replayed from Kafka keep their event time, which may be older than this run: test hosts by name
                "DELETE FROM reconcile.host WHERE updated_at >= ? OR id LIKE 'it-%'",
                "DELETE FROM reconcile.timer WHERE created_at >= ? AND kind <> 'reconcile-schedule'",
                "DELETE FROM reconcile.outbox WHERE created_at >= ?",
                "DELETE FROM reconcile.inbox WHERE processed_at >= ?");
        SuiteCleanup.register(
                context,
                "reconcile-access",
                "DELETE FROM access.usage_request WHERE ingested_at >= ?",
                "DELETE FROM access.subscription_period p USING access.subscription s, access.consumer c"
                        + " WHERE p.subscription_id = s.id AND s.consumer_id = c.id AND c.created_at >= ?",
                "DELETE FROM access.subscription s USING access.consumer c"
                        + " WHERE s.consumer_id = c.id AND c.created_at >= ?",
                "DELETE FROM access.balance_entry e USING access.consumer c"
                        + " WHERE e.consumer_id = c.id AND c.created_at >= ?",
                "DELETE FROM access.consumer_key k USING access.consumer c"
                        + " WHERE k.consumer_id = c.id AND c.created_at >= ?",
                "DELETE FROM access.consumer WHERE created_at >= ?",
                "DELETE FROM access.managed_resource WHERE created_at >= ?",
                "DELETE FROM access.access_item WHERE updated_at >= ?",
                "DELETE FROM access.host WHERE updated_at >= ?",
                "DELETE FROM access.timer WHERE created_at >= ?",
                "DELETE FROM access.outbox WHERE created_at >= ?",
                "DELETE FROM access.inbox WHERE processed_at >= ?");
        SuiteCleanup.register(
                context,
                "reconcile-gateway",
                "DELETE FROM gateway.client_key WHERE created_at >= ?",
                "DELETE FROM gateway.channel WHERE created_at >= ?",
                "DELETE FROM gateway.client_group WHERE created_at >= ?",
                "DELETE FROM gateway.outbox WHERE created_at >= ?",
                "DELETE FROM gateway.inbox WHERE processed_at >= ?");
        SuiteCleanup.register(
                context,
                "reconcile-imports",
                "DELETE FROM imports.item_timeline t USING imports.import_item i, imports.import_run r"
                        + " WHERE t.item_id = i.id AND i.run_id = r.id AND r.created_at >= ?",
                "DELETE FROM imports.import_item i USING imports.import_run r WHERE i.run_id = r.id AND r.created_at >= ?",
                "DELETE FROM imports.idempotency d USING imports.import_run r WHERE d.run_id = r.id AND r.created_at >= ?",
                "DELETE FROM imports.import_run WHERE created_at >= ?",
                "DELETE FROM imports.host WHERE created_at >= ?",
                "DELETE FROM imports.timer WHERE created_at >= ?",
                "DELETE FROM imports.outbox WHERE created_at >= ?",
                "DELETE FROM imports.inbox WHERE processed_at >= ?",
                "DELETE FROM probe.probe_job WHERE created_at >= ?",
                "DELETE FROM probe.timer WHERE created_at >= ?",
                "DELETE FROM probe.outbox WHERE created_at >= ?",
                "DELETE FROM probe.inbox WHERE processed_at >= ?");
    }
}
