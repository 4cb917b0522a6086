package dev.relay.reconcile;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.ReconcileCompleted;
import dev.relay.outbox.OutboxWriter;
import dev.relay.testsupport.ServiceRuntimeContract;
import java.time.Instant;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.support.TransactionTemplate;

/** reconcile-service runs against the real infrastructure as its own role, in its own schema, and relays its outbox. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // a group of its own from the end of the topics: never the shared "reconcile-service" group's offsets
            "relay.reconcile.consumer-group=reconcile-app-it-${random.uuid}",
            "spring.kafka.consumer.auto-offset-reset=latest"
        })
@org.junit.jupiter.api.extension.ExtendWith(ReconcileTestDataCleanup.class)
class ReconcileApplicationIntegrationTests extends ServiceRuntimeContract {

    @Autowired
    OutboxWriter outbox;

    @Autowired
    TransactionTemplate tx;

    @Override
    protected String schema() {
        return "reconcile";
    }

    @Override
    protected String role() {
        return "relay_reconcile";
    }

    @Override
    protected String serviceName() {
        return "reconcile-service";
    }

    @Override
    protected WrittenEvent writeEventThroughOutbox() {
        EventEnvelope e = tx.execute(s -> outbox.append(new ReconcileCompleted(
                UUID.randomUUID(),
                null,
                ReconcileCompleted.ReconcileStatus.IN_SYNC,
                0,
                0,
                0,
                Instant.now(),
                Instant.now())));
        return new WrittenEvent(e.id(), e.topic(), e.aggregateId());
    }
}
