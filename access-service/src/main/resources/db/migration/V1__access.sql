-- access-service: the hosts it provisions into, what it knows of each item, the managed-resource ledger, and the
-- provisioning / confirmation / rollback jobs run by the shared durable timers.

-- Hosts (edges), learnt from relay.host; the admin token stays sealed.
CREATE TABLE host (
    id           varchar(64)  PRIMARY KEY,
    name         text         NOT NULL,
    admin_url    text         NOT NULL,
    admin_token  jsonb        NOT NULL,
    client_url   text         NOT NULL,
    updated_at   timestamptz  NOT NULL
);

-- One row per item: the submission (secrets sealed), the latest probe result, and where the item stands here.
CREATE TABLE access_item (
    item_id          uuid         PRIMARY KEY,
    run_id           uuid         NOT NULL,
    host_id          varchar(64)  NOT NULL,
    submitted        jsonb        NOT NULL,          -- the item.submitted event
    attempt          integer      NOT NULL,          -- the attempt the probe result belongs to
    probe_result     jsonb,                          -- the item.probed result of that attempt
    stage            varchar(24)  NOT NULL,          -- SUBMITTED | PROVISIONING | CONFIRMING | READY | FAILED | CANCELLED | ROLLING_BACK | ROLLED_BACK
    channel_ids      jsonb,                          -- protocol -> channel id, once provisioned
    group_id         text,
    key_id           text,
    config_version   bigint,                         -- Relay-Config-Version of the last change provisioning made
    window_opened_at timestamptz,                    -- confirmation window start
    tries            integer      NOT NULL DEFAULT 0,
    evidence         jsonb,                          -- the last confirmation attempt's calls
    completion       jsonb,                          -- final evidence: ok, status, type, preview
    updated_at       timestamptz  NOT NULL
);
CREATE INDEX access_item_run_idx ON access_item (run_id);

-- The managed-resource ledger: every resource access-service created on a host, with the spec it applied.
CREATE TABLE managed_resource (
    id                uuid         PRIMARY KEY,
    host_id           varchar(64)  NOT NULL,
    resource_type     varchar(16)  NOT NULL,         -- CHANNEL | GROUP | CLIENT_KEY
    host_resource_id  text         NOT NULL,
    external_ref      text         NOT NULL,
    run_id            uuid         NOT NULL,
    item_id           uuid,                          -- null: a run-level resource (the run's group and key)
    spec              jsonb        NOT NULL,         -- what was applied; credentials sealed, runtime status left out
    spec_hash         char(64)     NOT NULL,
    created_at        timestamptz  NOT NULL,
    updated_at        timestamptz  NOT NULL,
    CONSTRAINT managed_resource_host_uq UNIQUE (host_id, resource_type, host_resource_id),
    CONSTRAINT managed_resource_ref_uq UNIQUE (host_id, resource_type, external_ref)
);
CREATE INDEX managed_resource_run_idx ON managed_resource (run_id);
CREATE INDEX managed_resource_item_idx ON managed_resource (item_id);
