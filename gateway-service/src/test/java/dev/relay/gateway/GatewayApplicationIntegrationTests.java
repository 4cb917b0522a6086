package dev.relay.gateway;

import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.GatewayConfigChanged;
import dev.relay.outbox.OutboxWriter;
import dev.relay.testsupport.ServiceRuntimeContract;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.support.TransactionTemplate;

/** gateway-service runs against the real infrastructure as its own role, in its own schema, and relays its outbox. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GatewayApplicationIntegrationTests extends ServiceRuntimeContract {

    @Autowired
    OutboxWriter outbox;

    @Autowired
    TransactionTemplate tx;

    @Override
    protected String schema() {
        return "gateway";
    }

    @Override
    protected String role() {
        return "relay_gateway";
    }

    @Override
    protected String serviceName() {
        return "gateway-service";
    }

    @Override
    protected WrittenEvent writeEventThroughOutbox() {
        EventEnvelope e = tx.execute(s -> outbox.append(new GatewayConfigChanged(
                1, "channel", "ch_it", GatewayConfigChanged.ChangeKind.CREATED, Instant.now())));
        return new WrittenEvent(e.id(), e.topic(), e.aggregateId());
    }
}
