package dev.relay.access;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.ItemConfirmed;
import dev.relay.outbox.OutboxWriter;
import dev.relay.testsupport.ServiceRuntimeContract;
import java.time.Instant;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.support.TransactionTemplate;

/** access-service runs against the real infrastructure as its own role, in its own schema, and relays its outbox. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AccessApplicationIntegrationTests extends ServiceRuntimeContract {

    @Autowired
    OutboxWriter outbox;

    @Autowired
    TransactionTemplate tx;

    @Override
    protected String schema() {
        return "access";
    }

    @Override
    protected String role() {
        return "relay_access";
    }

    @Override
    protected String serviceName() {
        return "access-service";
    }

    @Override
    protected WrittenEvent writeEventThroughOutbox() {
        EventEnvelope e = tx.execute(s -> outbox.append(new ItemConfirmed(
                UUID.randomUUID(),
                UUID.randomUUID(),
                1,
                "sim-gpt-4o",
                dev.relay.contracts.AccessStatus.SELF_SERVICE_READY,
                java.util.List.of(),
                5,
                50,
                Instant.now())));
        return new WrittenEvent(e.id(), e.topic(), e.aggregateId());
    }
}
