-- Relay database bootstrap. Run as a PostgreSQL superuser by `infra/relay` (idempotent).
-- Settings (PGOPTIONS): relay.svc_password, relay.cdc_password.
-- One database `relay`; one schema and one login role per service (each service owns its schema and nothing else);
-- one replication role for Debezium; one publication over the service schemas.
\set ON_ERROR_STOP on

SELECT 'CREATE DATABASE relay' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'relay')\gexec
\connect relay
\ir schemas.sql
