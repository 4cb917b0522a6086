-- probe-service: one job per item (the latest attempt), run by the shared durable timers (kind 'probe' / 'reprobe').
CREATE TABLE probe_job (
    item_id         uuid         PRIMARY KEY,
    run_id          uuid         NOT NULL,
    attempt         integer      NOT NULL,
    kind            varchar(16)  NOT NULL,          -- probe | reprobe
    reconcile_id    uuid,                            -- reprobe: the pass that asked
    submitted       jsonb        NOT NULL,           -- the item.submitted event (keys sealed)
    state           varchar(16)  NOT NULL,           -- PENDING | DONE | CANCELLED
    tries           integer      NOT NULL DEFAULT 0, -- runs of this attempt (retries after retryable failures)
    outcome         varchar(32),                     -- PROBED or the final classification
    created_at      timestamptz  NOT NULL,
    updated_at      timestamptz  NOT NULL
);
CREATE INDEX probe_job_run_idx ON probe_job (run_id);
