-- access-service, usage accounting (docs/accounting.md): consumers, their balance ledger, the keys accounting governs,
-- subscriptions and their per-period usage, the request history built from relay.usage and its hourly roll-ups.

-- A person, team or application that keys belong to. balance_tokens is the running sum of its balance_entry rows;
-- null = the consumer has no balance account (see docs/accounting.md for what that means with and without
-- subscriptions).
CREATE TABLE consumer (
    id              uuid         PRIMARY KEY,
    name            text         NOT NULL,
    kind            varchar(16)  NOT NULL CHECK (kind IN ('person', 'team', 'application')),
    balance_tokens  bigint,
    run_id          uuid,                              -- the import run that created it, if one did
    created_at      timestamptz  NOT NULL,
    updated_at      timestamptz  NOT NULL,
    CONSTRAINT consumer_name_uq UNIQUE (name)
);
CREATE INDEX consumer_created_idx ON consumer (created_at DESC, id DESC);

-- Every change of a balance, never an overwrite: the opening balance, top-ups (keyed by their Idempotency-Key) and
-- debits (one entry per consumer per ingested usage batch; the request rows hold the per-request detail).
CREATE TABLE balance_entry (
    id               uuid         PRIMARY KEY,
    consumer_id      uuid         NOT NULL REFERENCES consumer (id),
    kind             varchar(16)  NOT NULL CHECK (kind IN ('OPENING', 'TOP_UP', 'DEBIT')),
    tokens           bigint       NOT NULL,            -- signed: debits are negative
    balance_after    bigint       NOT NULL,
    idempotency_key  text,                             -- top-ups: the Idempotency-Key; a run's opening: run:<id>
    request_hash     char(64),                         -- top-ups: SHA-256 of the request, to refuse a reused key
    requests         integer,                          -- debits: the requests this entry covers
    note             text,
    created_at       timestamptz  NOT NULL,
    CONSTRAINT balance_entry_idem_uq UNIQUE (consumer_id, idempotency_key)
);
CREATE INDEX balance_entry_consumer_idx ON balance_entry (consumer_id, created_at DESC, id DESC);

-- The client keys accounting governs, and the state accounting wants each in on its host. exhausted/reason/until is
-- the wanted state; state_version counts its transitions and edge_version is the transition the host last confirmed,
-- so the host is called only on transitions (a durable timer carries each call until it succeeds).
CREATE TABLE consumer_key (
    host_id           varchar(64)  NOT NULL,
    key_id            text         NOT NULL,
    consumer_id       uuid         NOT NULL REFERENCES consumer (id),
    group_id          text         NOT NULL,
    run_id            uuid,
    exhausted         boolean      NOT NULL DEFAULT false,
    exhausted_reason  text,
    exhausted_until   timestamptz,
    state_version     bigint       NOT NULL DEFAULT 0,
    edge_version      bigint       NOT NULL DEFAULT 0,
    edge_synced_at    timestamptz,
    created_at        timestamptz  NOT NULL,
    updated_at        timestamptz  NOT NULL,
    PRIMARY KEY (host_id, key_id)
);
CREATE INDEX consumer_key_key_idx ON consumer_key (key_id);
CREATE INDEX consumer_key_consumer_idx ON consumer_key (consumer_id);

-- A token allowance per calendar period for one consumer on one (host, group).
CREATE TABLE subscription (
    id                uuid         PRIMARY KEY,
    consumer_id       uuid         NOT NULL REFERENCES consumer (id),
    host_id           varchar(64)  NOT NULL,
    group_id          text         NOT NULL,
    allowance_tokens  bigint       NOT NULL CHECK (allowance_tokens > 0),
    period            varchar(8)   NOT NULL CHECK (period IN ('day', 'week', 'month')),
    starts_at         timestamptz  NOT NULL,
    expires_at        timestamptz,
    external_ref      text,                            -- run:<id>, or the Idempotency-Key of the API call
    request_hash      char(64),
    created_at        timestamptz  NOT NULL,
    CONSTRAINT subscription_ref_uq UNIQUE (consumer_id, external_ref),
    CONSTRAINT subscription_window_ck CHECK (expires_at IS NULL OR expires_at > starts_at)
);
CREATE INDEX subscription_consumer_idx ON subscription (consumer_id);

-- What a subscription used in one period (created by the first debit of the period).
CREATE TABLE subscription_period (
    subscription_id  uuid         NOT NULL REFERENCES subscription (id),
    period_start     timestamptz  NOT NULL,
    period_end       timestamptz  NOT NULL,
    used_tokens      bigint       NOT NULL DEFAULT 0,
    requests         bigint       NOT NULL DEFAULT 0,
    PRIMARY KEY (subscription_id, period_start)
);

-- One row per metered request, exactly once per request id (relay.usage may replay). Deleted after
-- relay.accounting.retention by UsageRetention; the roll-ups stay.
CREATE TABLE usage_request (
    request_id           text         PRIMARY KEY,
    occurred_at          timestamptz  NOT NULL,
    edge_id              text,
    purpose              varchar(16)  NOT NULL,        -- CLIENT | CONFIRMATION | VERIFICATION
    key_id               text,
    host_id              varchar(64),                  -- null: a key accounting does not govern
    consumer_id          uuid,
    group_id             text,
    client_api           text,
    public_model         text,
    upstream_model       text,
    channel_id           text,
    stream               boolean      NOT NULL,
    prompt_tokens        bigint       NOT NULL,
    completion_tokens    bigint       NOT NULL,
    cache_read_tokens    bigint       NOT NULL,
    cache_write_tokens   bigint       NOT NULL,
    estimated            boolean      NOT NULL,
    weight               numeric(12, 4) NOT NULL,
    weighted_tokens      bigint       NOT NULL,        -- ceil(weight x (prompt + completion))
    subscription_id      uuid,                         -- the subscription drawn first, if any
    subscription_tokens  bigint       NOT NULL DEFAULT 0,  -- debited from subscription periods
    balance_tokens       bigint       NOT NULL DEFAULT 0,  -- debited from the balance
    status               integer      NOT NULL,
    outcome              varchar(16)  NOT NULL,
    latency_ms           bigint       NOT NULL,
    ttft_ms              bigint,
    attempts             integer      NOT NULL,
    ingested_at          timestamptz  NOT NULL
);
CREATE INDEX usage_request_time_idx ON usage_request (occurred_at DESC, request_id DESC);
CREATE INDEX usage_request_key_idx ON usage_request (key_id, occurred_at DESC, request_id DESC);
CREATE INDEX usage_request_consumer_idx ON usage_request (consumer_id, occurred_at DESC, request_id DESC);

-- Hourly roll-ups, upserted in the transaction that stores the requests; summaries read only these. '' stands for
-- "none" in the key columns (a key no consumer owns, a request that reached no channel).
CREATE TABLE usage_hourly (
    hour                timestamptz  NOT NULL,
    purpose             varchar(16)  NOT NULL,
    key_id              text         NOT NULL,
    consumer_id         text         NOT NULL,
    public_model        text         NOT NULL,
    channel_id          text         NOT NULL,
    requests            bigint       NOT NULL,
    ok_requests         bigint       NOT NULL,
    failed_requests     bigint       NOT NULL,
    prompt_tokens       bigint       NOT NULL,
    completion_tokens   bigint       NOT NULL,
    cache_read_tokens   bigint       NOT NULL,
    cache_write_tokens  bigint       NOT NULL,
    weighted_tokens     bigint       NOT NULL,
    debited_tokens      bigint       NOT NULL,
    latency_ms_sum      bigint       NOT NULL,
    ttft_ms_sum         bigint       NOT NULL,
    ttft_count          bigint       NOT NULL,
    PRIMARY KEY (hour, purpose, key_id, consumer_id, public_model, channel_id)
);
