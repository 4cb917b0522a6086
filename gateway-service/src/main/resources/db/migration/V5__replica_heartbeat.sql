-- Which config version each running replica serves, for GET /admin/v1/config/replicas: a control plane that must see
-- a change on every replica waits until every live row (seen within relay.gateway.replica-ttl) has reached the version
-- its change returned. Each replica upserts its row every relay.gateway.replica-heartbeat-interval and right after it
-- installs a snapshot, deletes it on graceful shutdown, and deletes rows not seen for an hour (crashed replicas).
CREATE TABLE replica (
    replica_id     text        PRIMARY KEY,
    config_version bigint      NOT NULL,
    started_at     timestamptz NOT NULL,
    seen_at        timestamptz NOT NULL
);
