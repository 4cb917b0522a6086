package dev.relay.imports;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.contracts.SealedSecret;
import dev.relay.outbox.OutboxWriter;
import dev.relay.testsupport.ServiceRuntimeContract;
import java.time.Instant;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.support.TransactionTemplate;

@org.junit.jupiter.api.extension.ExtendWith(ImportsTestDataCleanup.class)
/** import-service runs against the real infrastructure as its own role, in its own schema, and relays its outbox. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImportApplicationIntegrationTests extends ServiceRuntimeContract {

    @Autowired
    OutboxWriter outbox;

    @Autowired
    TransactionTemplate tx;

    @Override
    protected String schema() {
        return "imports";
    }

    @Override
    protected String role() {
        return "relay_import";
    }

    @Override
    protected String serviceName() {
        return "import-service";
    }

    @Override
    protected WrittenEvent writeEventThroughOutbox() {
        EventEnvelope e = tx.execute(s -> outbox.append(new ItemSubmitted(
                UUID.randomUUID(),
                UUID.randomUUID(),
                0,
                1,
                "edge",
                "https://api.example.test",
                new SealedSecret("k1", "Y2lwaGVy", "sk-…test"),
                "hmac",
                dev.relay.contracts.ProtocolHint.AUTO,
                java.util.List.of(),
                java.util.Map.of(),
                0,
                null,
                null,
                null,
                java.util.Map.of(),
                null,
                new dev.relay.contracts.AccessOptions(
                        dev.relay.contracts.AccessMode.SELF_SERVICE,
                        null,
                        null,
                        null,
                        null,
                        null,
                        new SealedSecret("k1", "Y2lwaGVy", "rk-…test")),
                Instant.now())));
        return new WrittenEvent(e.id(), e.topic(), e.aggregateId());
    }
}
