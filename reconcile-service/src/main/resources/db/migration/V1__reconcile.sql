-- reconcile-service: its own view of the managed-resource ledger (built from access-service's events), the hosts it
-- reads, the passes it ran and what they found.

-- The edges, from host.registered / host.updated (the newest wins). The admin token stays sealed.
CREATE TABLE host (
    id          varchar(64)  PRIMARY KEY,
    name        varchar(200) NOT NULL,
    admin_url   varchar(2048) NOT NULL,
    admin_token jsonb        NOT NULL,
    client_url  varchar(2048) NOT NULL,
    updated_at  timestamptz  NOT NULL
);

-- What access-service recorded creating (item.provisioned), repaired (resource.repaired) and removed
-- (item.rolled-back). Keyed like access-service's ledger: host + kind + externalRef (a repair may give a new host id).
CREATE TABLE ledger_resource (
    host_id      varchar(64)  NOT NULL,
    kind         varchar(16)  NOT NULL CHECK (kind IN ('CHANNEL', 'GROUP', 'CLIENT_KEY', 'SUBSCRIPTION', 'CONSUMER')),
    external_ref varchar(255) NOT NULL,
    resource_id  varchar(64)  NOT NULL,
    run_id       uuid         NOT NULL,
    item_id      uuid,                      -- null for the run's shared resources (group, key)
    spec_hash    varchar(64)  NOT NULL,
    recorded_at  timestamptz  NOT NULL,     -- the event's time: an older event never overwrites a newer one
    PRIMARY KEY (host_id, kind, external_ref)
);
CREATE INDEX ledger_resource_run ON ledger_resource (run_id);

-- Items access-service confirmed ready (item.confirmed), until rolled back.
CREATE TABLE ready_item (
    item_id    uuid        PRIMARY KEY,
    run_id     uuid        NOT NULL,
    ready      boolean     NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX ready_item_run ON ready_item (run_id);

-- Per run: report drift only (the default, no row) or repair it.
CREATE TABLE run_policy (
    run_id     uuid        PRIMARY KEY,
    policy     varchar(8)  NOT NULL CHECK (policy IN ('report', 'repair')),
    updated_at timestamptz NOT NULL
);

-- One reconciliation pass: for one run or (run_id null) every run.
CREATE TABLE pass (
    id           uuid        PRIMARY KEY,
    run_id       uuid,
    trigger      varchar(16) NOT NULL CHECK (trigger IN ('schedule', 'operator', 'run_completed')),
    repair       boolean,                 -- null: each run's policy
    state        varchar(16) NOT NULL CHECK (state IN ('pending', 'running', 'retrying', 'repairing', 'completed', 'failed')),
    status       varchar(16) CHECK (status IN ('IN_SYNC', 'DRIFTED', 'REPAIRED', 'FAILED')),
    checked      integer     NOT NULL DEFAULT 0,
    drifted      integer     NOT NULL DEFAULT 0,
    repaired     integer     NOT NULL DEFAULT 0,
    exhausted_keys integer   NOT NULL DEFAULT 0, -- keys accounting marked exhausted: reported, never drift
    attempts     integer     NOT NULL DEFAULT 0,
    error        text,
    requested_by varchar(200),
    requested_at timestamptz NOT NULL,
    started_at   timestamptz,
    completed_at timestamptz
);
CREATE INDEX pass_newest ON pass (requested_at DESC, id DESC);
CREATE INDEX pass_run ON pass (run_id, requested_at DESC);

-- One finding of a pass: a resource that drifted, with its evidence and what became of its repair.
CREATE TABLE finding (
    id            uuid         PRIMARY KEY,
    pass_id       uuid         NOT NULL REFERENCES pass (id) ON DELETE CASCADE,
    seq           integer      NOT NULL,
    run_id        uuid,
    item_id       uuid,
    host_id       varchar(64)  NOT NULL,
    kind          varchar(16)  NOT NULL CHECK (kind IN ('MISSING', 'MODIFIED', 'DISABLED', 'ORPHANED', 'ACCESS_BROKEN')),
    resource_kind varchar(16)  NOT NULL,
    resource_id   varchar(64),
    external_ref  varchar(255),
    spec_hash     varchar(64),
    detail        text         NOT NULL,
    evidence      jsonb        NOT NULL DEFAULT '{}'::jsonb,
    repair        varchar(16)  NOT NULL CHECK (repair IN ('none', 'not_allowed', 'reprobing', 'requested', 'repaired', 'failed')),
    repair_detail text,
    created_at    timestamptz  NOT NULL,
    updated_at    timestamptz  NOT NULL,
    UNIQUE (pass_id, seq)
);
CREATE INDEX finding_run ON finding (run_id, created_at DESC);
CREATE INDEX finding_open ON finding (pass_id) WHERE repair IN ('reprobing', 'requested');
