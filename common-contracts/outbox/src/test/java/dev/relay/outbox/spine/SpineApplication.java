package dev.relay.outbox.spine;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A minimal "service" for the outbox spine tests: a state table, the outbox, and an idempotent consumer. */
@SpringBootApplication
public class SpineApplication {
    static final String SCHEMA = "outbox_it";
    static final String ITEM_TOPIC = "it." + SCHEMA + ".import-item";
    static final String CONSUMER = "spine-consumer";
}
