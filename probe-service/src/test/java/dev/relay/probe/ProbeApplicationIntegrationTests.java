package dev.relay.probe;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.FailureClass;
import dev.relay.contracts.ItemProbeFailed;
import dev.relay.outbox.OutboxWriter;
import dev.relay.testsupport.ServiceRuntimeContract;
import java.time.Instant;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.support.TransactionTemplate;

/** probe-service runs against the real infrastructure as its own role, in its own schema, and relays its outbox. */
@org.junit.jupiter.api.extension.ExtendWith(ProbeTestDataCleanup.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProbeApplicationIntegrationTests extends ServiceRuntimeContract {

    @Autowired
    OutboxWriter outbox;

    @Autowired
    TransactionTemplate tx;

    @Override
    protected String schema() {
        return "probe";
    }

    @Override
    protected String role() {
        return "relay_probe";
    }

    @Override
    protected String serviceName() {
        return "probe-service";
    }

    @Override
    protected WrittenEvent writeEventThroughOutbox() {
        EventEnvelope e = tx.execute(s -> outbox.append(new ItemProbeFailed(
                UUID.randomUUID(),
                UUID.randomUUID(),
                1,
                FailureClass.AUTH_INVALID,
                "401",
                401,
                java.util.List.of(),
                java.util.List.of(),
                null,
                null,
                Instant.now())));
        return new WrittenEvent(e.id(), e.topic(), e.aggregateId());
    }
}
