package dev.relay.gateway;

import dev.relay.testsupport.SuiteCleanup;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Deletes the channels, groups, keys, replica heartbeats and outbox/inbox rows the gateway's integration tests created,
 * when they end.
 */
public final class GatewayTestDataCleanup implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        SuiteCleanup.register(
                context,
                "gateway",
                "DELETE FROM gateway.client_key WHERE created_at >= ?",
                "DELETE FROM gateway.channel WHERE created_at >= ?",
                "DELETE FROM gateway.client_group WHERE created_at >= ?",
                "DELETE FROM gateway.outbox WHERE created_at >= ?",
                "DELETE FROM gateway.replica WHERE started_at >= ?",
                "DELETE FROM gateway.inbox WHERE processed_at >= ?");
    }
}
