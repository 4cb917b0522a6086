package dev.relay.probe;

import dev.relay.testsupport.SuiteCleanup;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Deletes what probe-service's integration tests created in schema {@code probe}, when they end. */
public final class ProbeTestDataCleanup implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        SuiteCleanup.register(
                context,
                "probe",
                "DELETE FROM probe.probe_job WHERE created_at >= ?",
                "DELETE FROM probe.timer WHERE created_at >= ?",
                "DELETE FROM probe.outbox WHERE created_at >= ?",
                "DELETE FROM probe.inbox WHERE processed_at >= ?");
    }
}
