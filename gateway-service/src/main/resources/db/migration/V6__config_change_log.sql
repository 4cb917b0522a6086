-- Which entity each config version changed: one row per version, written in the change's own transaction (together
-- with the bump of config_version, whose row lock orders the commits). A replica holding version v reads the rows
-- after v and reloads only those entities instead of every channel, group and key; when the rows after v are not
-- all there (pruned, or a version bumped by something that does not log), it falls back to a full load.
CREATE TABLE config_change (
    version    bigint      PRIMARY KEY,
    kind       varchar(16) NOT NULL CHECK (kind IN ('channel', 'group', 'key')),
    entity_id  varchar(40) NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
