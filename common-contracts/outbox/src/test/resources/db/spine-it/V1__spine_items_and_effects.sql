-- Test-only tables of the outbox spine tests: a tiny "service" state and the effects its consumer applies.
CREATE TABLE spine_item (
    id      uuid PRIMARY KEY,
    state   varchar(32) NOT NULL,
    attempt integer     NOT NULL
);
CREATE TABLE spine_effect (
    seq        bigserial PRIMARY KEY,
    event_id   uuid        NOT NULL,
    item_id    uuid        NOT NULL,
    event_type varchar(64) NOT NULL,
    attempt    integer     NOT NULL
);
