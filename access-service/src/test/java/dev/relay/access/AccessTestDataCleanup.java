package dev.relay.access;

import dev.relay.testsupport.SuiteCleanup;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Deletes what access-service's integration tests created, when they end: in schema {@code access}, and in the
 * schemas the end-to-end tests fill through the processes they start ({@code gateway}, {@code imports}, {@code
 * probe}).
 */
public final class AccessTestDataCleanup implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        SuiteCleanup.register(
                context,
                "access-provisioning",
                "DELETE FROM access.managed_resource WHERE created_at >= ?",
                "DELETE FROM access.access_item WHERE updated_at >= ?",
                "DELETE FROM access.host WHERE updated_at >= ?",
                "DELETE FROM access.timer WHERE created_at >= ?",
                "DELETE FROM access.outbox WHERE created_at >= ?",
                "DELETE FROM access.inbox WHERE processed_at >= ?");
        SuiteCleanup.register(
                context,
                "gateway",
                "DELETE FROM gateway.client_key WHERE created_at >= ?",
                "DELETE FROM gateway.channel WHERE created_at >= ?",
                "DELETE FROM gateway.client_group WHERE created_at >= ?",
                "DELETE FROM gateway.outbox WHERE created_at >= ?",
                "DELETE FROM gateway.inbox WHERE processed_at >= ?");
        SuiteCleanup.register(
                context,
                "imports",
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
