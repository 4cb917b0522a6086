-- import-service: hosts, import runs and items (the submitted data and the projection built from the item events),
-- and each item's timeline. Secrets are stored sealed (SecretBox JSON: keyId, ciphertext, fingerprint).

CREATE TABLE host (
    id                 varchar(64)  PRIMARY KEY,
    name               varchar(200) NOT NULL,
    admin_url          varchar(2048) NOT NULL,
    admin_token        jsonb        NOT NULL,
    client_url         varchar(2048) NOT NULL,
    created_at         timestamptz  NOT NULL,
    updated_at         timestamptz  NOT NULL
);

CREATE TABLE import_run (
    id                 uuid         PRIMARY KEY,
    name               varchar(200) NOT NULL,
    host_id            varchar(64)  NOT NULL REFERENCES host (id),
    status             varchar(32)  NOT NULL,
    total              integer      NOT NULL,
    access             jsonb        NOT NULL,   -- the run's access options, client key sealed
    smoke_model        varchar(200),
    created_at         timestamptz  NOT NULL,
    completed_at       timestamptz
);
CREATE INDEX import_run_created_idx ON import_run (created_at DESC, id DESC);

-- Idempotency-Key replay: the exact 201 body (it holds the run's client key, so it is stored sealed) for 24 h.
CREATE TABLE idempotency (
    key                varchar(200) PRIMARY KEY,
    request_hash       varchar(64)  NOT NULL,
    run_id             uuid         NOT NULL,
    response           jsonb        NOT NULL,
    expires_at         timestamptz  NOT NULL
);
CREATE INDEX idempotency_expires_idx ON idempotency (expires_at);

CREATE TABLE import_item (
    id                 uuid         PRIMARY KEY,
    run_id             uuid         NOT NULL REFERENCES import_run (id),
    idx                integer      NOT NULL,
    base_url           varchar(2048) NOT NULL,
    normalized_base    varchar(2048) NOT NULL,
    api_key            jsonb        NOT NULL,
    key_hmac           varchar(64)  NOT NULL,
    key_fingerprint    varchar(32)  NOT NULL,
    protocol_hint      varchar(16)  NOT NULL,
    requested_models   jsonb        NOT NULL,
    aliases            jsonb        NOT NULL,
    priority           integer      NOT NULL,
    connect_timeout_ms integer,
    first_byte_timeout_ms integer,
    total_timeout_ms   integer,
    extra_headers      jsonb        NOT NULL,
    -- the projection
    state              varchar(16)  NOT NULL,
    stage              varchar(16),
    attempt            integer      NOT NULL DEFAULT 1,
    classification     varchar(32),
    detail             text,
    access_status      varchar(32),
    models             jsonb        NOT NULL DEFAULT '{}'::jsonb,
    corrections        jsonb        NOT NULL DEFAULT '[]'::jsonb,
    capabilities       jsonb,
    warnings           jsonb        NOT NULL DEFAULT '[]'::jsonb,
    result             jsonb,
    duplicate_of       uuid,
    updated_at         timestamptz  NOT NULL,
    UNIQUE (run_id, idx)
);
CREATE INDEX import_item_dup_idx ON import_item (normalized_base, key_hmac);
CREATE INDEX import_item_run_state_idx ON import_item (run_id, state, idx);

CREATE TABLE item_timeline (
    id                 bigserial    PRIMARY KEY,
    item_id            uuid         NOT NULL REFERENCES import_item (id),
    event_id           uuid         NOT NULL,
    event_type         varchar(64)  NOT NULL,
    at                 timestamptz  NOT NULL,
    state              varchar(16)  NOT NULL,
    stage              varchar(16),
    attempt            integer      NOT NULL,
    detail             jsonb
);
CREATE INDEX item_timeline_item_idx ON item_timeline (item_id, id);
