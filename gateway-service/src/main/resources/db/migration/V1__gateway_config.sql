-- The edge's configuration. Every change bumps config_version and writes gateway.config-changed to the outbox in the
-- same transaction; every replica keeps an in-memory RoutingSnapshot and reloads it on that event (and at start).

CREATE TABLE config_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint  NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 0);

-- One upstream account.
CREATE TABLE channel (
    id                     varchar(40)   PRIMARY KEY,
    name                   varchar(200)  NOT NULL,
    protocol               varchar(16)   NOT NULL CHECK (protocol IN ('OPENAI', 'ANTHROPIC')),
    base_url               varchar(2048) NOT NULL,
    credential_ciphertext  text          NOT NULL,          -- AES-GCM, see CredentialCipher; write-only over the API
    credential_fingerprint varchar(40)   NOT NULL,
    models                 jsonb         NOT NULL,          -- public model names served: ["gpt-4o", ...]
    model_mapping          jsonb         NOT NULL DEFAULT '{}'::jsonb,  -- public -> upstream name
    groups                 jsonb         NOT NULL DEFAULT '[]'::jsonb,  -- group ids allowed; [] = every group
    priority               integer       NOT NULL DEFAULT 0,  -- higher tier first
    weight                 integer       NOT NULL DEFAULT 1 CHECK (weight > 0),
    extra_headers          jsonb         NOT NULL DEFAULT '{}'::jsonb,
    connect_timeout_ms     integer,
    first_byte_timeout_ms  integer,
    total_timeout_ms       integer,
    capabilities           jsonb         NOT NULL DEFAULT '{}'::jsonb,
    status                 varchar(16)   NOT NULL DEFAULT 'ENABLED' CHECK (status IN ('ENABLED', 'DISABLED', 'AUTO_DISABLED')),
    status_reason          text,
    managed_by             varchar(64),
    external_ref           varchar(255),
    version                bigint        NOT NULL DEFAULT 1,
    created_at             timestamptz   NOT NULL DEFAULT now(),
    updated_at             timestamptz   NOT NULL DEFAULT now(),
    UNIQUE (managed_by, external_ref)
);

-- A set of public models clients may use.
CREATE TABLE client_group (
    id           varchar(40)  PRIMARY KEY,
    name         varchar(200) NOT NULL,
    models       jsonb        NOT NULL,               -- public model names exposed; ["*"] = every routed model
    status       varchar(16)  NOT NULL DEFAULT 'ENABLED' CHECK (status IN ('ENABLED', 'DISABLED')),
    managed_by   varchar(64),
    external_ref varchar(255),
    version      bigint       NOT NULL DEFAULT 1,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    updated_at   timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (managed_by, external_ref)
);

-- A client credential. Stored hashed (SHA-256 of the whole key); the plaintext is returned once, at creation.
CREATE TABLE client_key (
    id                     varchar(40)  PRIMARY KEY,
    group_id               varchar(40)  NOT NULL REFERENCES client_group (id),
    name                   varchar(200) NOT NULL,
    key_hash               bytea        NOT NULL UNIQUE,
    key_prefix             varchar(16)  NOT NULL,          -- first characters, for humans
    status                 varchar(16)  NOT NULL DEFAULT 'ENABLED' CHECK (status IN ('ENABLED', 'DISABLED')),
    expires_at             timestamptz,
    rate_limit_per_minute  integer CHECK (rate_limit_per_minute IS NULL OR rate_limit_per_minute > 0),
    managed_by             varchar(64),
    external_ref           varchar(255),
    version                bigint       NOT NULL DEFAULT 1,
    created_at             timestamptz  NOT NULL DEFAULT now(),
    updated_at             timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (managed_by, external_ref)
);

-- Channel health decisions that must survive restarts and reach every replica (durable timer rows).
CREATE TABLE channel_cooldown (
    channel_id           varchar(40) PRIMARY KEY REFERENCES channel (id) ON DELETE CASCADE,
    cause                varchar(32) NOT NULL,
    until                timestamptz NOT NULL,
    consecutive_failures integer     NOT NULL,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
