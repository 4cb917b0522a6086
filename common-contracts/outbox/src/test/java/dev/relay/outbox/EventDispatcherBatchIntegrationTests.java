package dev.relay.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.EventEnvelope;
import dev.relay.contracts.EventType;
import dev.relay.contracts.ItemCancelled;
import dev.relay.contracts.ItemStage;
import dev.relay.contracts.ItemStageStarted;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A batch listener's poll applied by {@link EventDispatcher#dispatchAll} against real PostgreSQL, in a schema of its
 * own: one transaction for the whole poll; a duplicate inside the poll applied once; a failing record found by
 * applying the poll again one record at a time, the records before it kept, the ones after it left for the
 * redelivery, and the failure reported with that record.
 */
@RelayIntegrationTest
class EventDispatcherBatchIntegrationTests {

    static final String SCHEMA = "dispatch_batch_it";
    static DriverManagerDataSource ds;
    static JdbcClient jdbc;
    static TransactionTemplate tx;
    static InboxGuard inbox;

    /** Items whose cancellation the handler refuses (a poison event). */
    final Set<UUID> poison = new java.util.HashSet<>();

    EventDispatcher dispatcher;

    @BeforeAll
    static void schema(RelayInfrastructure infra) throws Exception {
        ds = OwnSchema.create(infra, SCHEMA, "V0_1__relay_outbox_and_inbox.sql");
        jdbc = JdbcClient.create(ds);
        jdbc.sql("CREATE TABLE " + SCHEMA + ".effect (item_id uuid NOT NULL, tx bigint NOT NULL)")
                .update();
        tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        inbox = new InboxGuard(jdbc, new OutboxProperties(SCHEMA, null, null, null, null));
    }

    @AfterAll
    static void dropSchema() throws Exception {
        OwnSchema.drop(ds, SCHEMA);
    }

    @BeforeEach
    void empty() {
        jdbc.sql("DELETE FROM " + SCHEMA + ".effect").update();
        jdbc.sql("DELETE FROM " + SCHEMA + ".inbox").update();
        poison.clear();
        dispatcher = EventDispatcher.forConsumer("batch-it", inbox, tx)
                .on(ItemCancelled.class, (e, env) -> {
                    if (poison.contains(e.itemId())) {
                        throw new IllegalStateException("refused " + e.itemId());
                    }
                    jdbc.sql("INSERT INTO " + SCHEMA + ".effect (item_id, tx) VALUES (:item, txid_current())")
                            .param("item", e.itemId())
                            .update();
                })
                .ignoring(EventType.ITEM_STAGE_STARTED)
                .build();
    }

    private static ConsumerRecord<String, String> record(EventEnvelope e, long offset) {
        ConsumerRecord<String, String> r =
                new ConsumerRecord<>(e.topic(), 0, offset, e.aggregateId(), EventCodec.toJson(e));
        r.headers().add(InboundEvents.HEADER_ID, e.id().toString().getBytes(StandardCharsets.UTF_8));
        r.headers().add(InboundEvents.HEADER_EVENT_TYPE, e.type().wireName().getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private static EventEnvelope cancelled(UUID item) {
        return EventEnvelope.wrap(new ItemCancelled(UUID.randomUUID(), item, "it", Instant.now()), null);
    }

    /** {@code n} cancellations of new items at consecutive offsets (a mutable list); their items added to {@code items}. */
    private static List<ConsumerRecord<String, String>> cancellations(int n, long firstOffset, List<UUID> items) {
        List<ConsumerRecord<String, String>> poll = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID item = UUID.randomUUID();
            items.add(item);
            poll.add(record(cancelled(item), firstOffset + i));
        }
        return poll;
    }

    private List<UUID> applied() {
        return jdbc.sql("SELECT item_id FROM " + SCHEMA + ".effect")
                .query(UUID.class)
                .list();
    }

    @Test
    void appliesAPollInOneTransactionAndADuplicateInsideItOnce() {
        List<UUID> items = new ArrayList<>();
        List<ConsumerRecord<String, String>> poll = cancellations(5, 0, items);
        poll.add(record(
                EventEnvelope.wrap(
                        new ItemStageStarted(UUID.randomUUID(), items.get(0), 1, ItemStage.PROBING, Instant.now()),
                        null),
                5)); // ignored by this consumer
        poll.add(new ConsumerRecord<>(
                poll.get(1).topic(), 0, 6, poll.get(1).key(), poll.get(1).value())); // redelivered inside the poll
        poll.get(6).headers().add(poll.get(1).headers().lastHeader(InboundEvents.HEADER_ID));
        poll.get(6).headers().add(poll.get(1).headers().lastHeader(InboundEvents.HEADER_EVENT_TYPE));

        dispatcher.dispatchAll(poll);

        assertThat(applied()).containsExactlyInAnyOrderElementsOf(items);
        Long transactions = jdbc.sql("SELECT count(DISTINCT tx) FROM " + SCHEMA + ".effect")
                .query(Long.class)
                .single();
        assertThat(transactions).as("one transaction for the whole poll").isEqualTo(1L);

        dispatcher.dispatchAll(poll); // the whole poll redelivered: nothing applied twice
        assertThat(applied()).hasSize(5);
    }

    @Test
    void aFailingRecordIsFoundOneByOneAndReportedWithTheRecordsBeforeItKept() {
        List<UUID> items = new ArrayList<>();
        List<ConsumerRecord<String, String>> poll = cancellations(5, 100, items);
        poison.add(items.get(2));

        assertThatThrownBy(() -> dispatcher.dispatchAll(poll))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, ex -> {
                    assertThat(ex.getRecord()).isSameAs(poll.get(2));
                    assertThat(ex.getCause()).hasMessageContaining("refused");
                });
        // the batch was rolled back, then records 0 and 1 applied on their own; 3 and 4 wait for the redelivery
        assertThat(applied()).containsExactlyInAnyOrder(items.get(0), items.get(1));

        poison.clear();
        dispatcher.dispatchAll(poll.subList(2, 5)); // the container redelivers from the failed record
        assertThat(applied()).containsExactlyInAnyOrderElementsOf(items);
    }

    @Test
    void anUnreadableRecordIsReportedAsItselfForTheDeadLetterTopic() {
        UUID ok = UUID.randomUUID();
        ConsumerRecord<String, String> good = record(cancelled(ok), 200);
        ConsumerRecord<String, String> noHeaders = new ConsumerRecord<>(good.topic(), 0, 201, good.key(), good.value());
        assertThatThrownBy(() -> dispatcher.dispatchAll(List.of(good, noHeaders)))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, ex -> {
                    assertThat(ex.getRecord()).isSameAs(noHeaders);
                    assertThat(ex.getCause()).isInstanceOf(dev.relay.contracts.MalformedEventException.class);
                });
        assertThat(applied()).containsExactly(ok);
    }
}
