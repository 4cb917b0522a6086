-- Durable timers, shared by every service (relay-outbox): probe retries, confirmation windows, reconcile schedules,
-- period resets. One row per (kind, key): scheduling again replaces the due time. A runner claims due rows with
-- FOR UPDATE SKIP LOCKED and a lease (locked_until), runs the handler outside that short transaction, and the handler
-- completes the timer in the transaction that records its effect; a process that dies mid-run loses only its lease.
CREATE TABLE timer (
    id           uuid         PRIMARY KEY,
    kind         varchar(64)  NOT NULL,
    key          varchar(255) NOT NULL,
    due_at       timestamptz  NOT NULL,
    payload      text,
    attempts     integer      NOT NULL DEFAULT 0,
    generation   bigint       NOT NULL DEFAULT 0,
    locked_by    varchar(128),
    locked_until timestamptz,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (kind, key)
);
CREATE INDEX timer_due_idx ON timer (due_at);
