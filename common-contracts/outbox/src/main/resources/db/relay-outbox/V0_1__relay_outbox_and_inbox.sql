-- Shared by every service (relay-outbox), applied by each service's Flyway into that service's own schema.
-- Versions 0.x sort before the services' own migrations (V1...).

-- Transactional outbox. Debezium's Outbox Event Router reads inserts from the WAL and publishes:
--   topic  relay.<aggregatetype>, key aggregateid, value payload (the event envelope JSON),
--   headers id, eventType (= type), schemaVersion, traceparent.
-- Rows are append-only; OutboxJanitor deletes them after a retention period (Debezium reads the WAL, not the table).
CREATE TABLE outbox (
    id             uuid         PRIMARY KEY,
    -- becomes part of a Kafka topic name: a value Kafka would refuse must never reach the WAL, because the
    -- relay cannot skip it (the connector task stops on it and retries it after every restart)
    aggregatetype  varchar(64)  NOT NULL CHECK (aggregatetype ~ '^[a-z0-9][a-z0-9-]*$'),
    aggregateid    varchar(255) NOT NULL,
    type           varchar(128) NOT NULL CHECK (type ~ '^[a-z0-9][a-z0-9.-]*$'),
    schema_version integer      NOT NULL,
    payload        jsonb        NOT NULL,
    traceparent    varchar(55),
    created_at     timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX outbox_created_at_idx ON outbox (created_at);

-- Inbox: events this service has applied, per consumer. A redelivered event finds its row and is skipped;
-- the row is written in the same transaction as the event's effect.
CREATE TABLE inbox (
    consumer     varchar(128) NOT NULL,
    event_id     uuid         NOT NULL,
    event_type   varchar(128) NOT NULL,
    processed_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX inbox_processed_at_idx ON inbox (processed_at);
