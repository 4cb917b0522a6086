-- Relay schemas, roles and publication inside database `relay` (idempotent; plain SQL so the test harness can run it
-- over JDBC too). Needs a superuser and the settings relay.svc_password and relay.cdc_password.
DO $$
DECLARE
  svc record;
BEGIN
  FOR svc IN SELECT * FROM (VALUES
      ('relay_gateway', 'gateway'),
      ('relay_import', 'imports'),
      ('relay_probe', 'probe'),
      ('relay_access', 'access'),
      ('relay_reconcile', 'reconcile')) AS t(role_name, schema_name)
  LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = svc.role_name) THEN
      EXECUTE format('CREATE ROLE %I WITH LOGIN PASSWORD %L', svc.role_name, current_setting('relay.svc_password'));
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', svc.schema_name, svc.role_name);
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', svc.schema_name);
    EXECUTE format('ALTER ROLE %I SET search_path = %I', svc.role_name, svc.schema_name);
  END LOOP;

  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'relay_cdc') THEN
    EXECUTE format('CREATE ROLE relay_cdc WITH LOGIN REPLICATION PASSWORD %L', current_setting('relay.cdc_password'));
  END IF;
END $$;

GRANT CONNECT ON DATABASE relay TO relay_cdc, relay_gateway, relay_import, relay_probe, relay_access, relay_reconcile;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Debezium reads the outbox tables' metadata: schema usage + SELECT on tables the services will create.
GRANT USAGE ON SCHEMA gateway, imports, probe, access, reconcile TO relay_cdc;
ALTER DEFAULT PRIVILEGES FOR ROLE relay_gateway IN SCHEMA gateway GRANT SELECT ON TABLES TO relay_cdc;
ALTER DEFAULT PRIVILEGES FOR ROLE relay_import IN SCHEMA imports GRANT SELECT ON TABLES TO relay_cdc;
ALTER DEFAULT PRIVILEGES FOR ROLE relay_probe IN SCHEMA probe GRANT SELECT ON TABLES TO relay_cdc;
ALTER DEFAULT PRIVILEGES FOR ROLE relay_access IN SCHEMA access GRANT SELECT ON TABLES TO relay_cdc;
ALTER DEFAULT PRIVILEGES FOR ROLE relay_reconcile IN SCHEMA reconcile GRANT SELECT ON TABLES TO relay_cdc;

-- The publication holds the five outbox tables and nothing else, so PostgreSQL decodes and ships only outbox
-- inserts (never the usage ledger or any other busy table). It is owned by relay_publisher, a NOLOGIN role every
-- service role is a member of: a service's own migration (relay-outbox V0_3) adds its outbox table in the transaction
-- that follows its creation, without superuser rights. publish = 'insert': the outbox is append-only, and tables
-- without a replica identity stay updatable. A publication from before (FOR TABLES IN SCHEMA, owned by the
-- superuser) is converted in place: same name, so Debezium's slot keeps streaming.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'relay_publisher') THEN
    CREATE ROLE relay_publisher NOLOGIN;
  END IF;
END $$;
GRANT relay_publisher TO relay_gateway, relay_import, relay_probe, relay_access, relay_reconcile;

DO $$
DECLARE
  s text;
BEGIN
  IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'relay_outbox') THEN
    CREATE PUBLICATION relay_outbox WITH (publish = 'insert');
  END IF;
  FOR s IN SELECT n.nspname FROM pg_publication_namespace pn JOIN pg_publication p ON p.oid = pn.pnpubid
           JOIN pg_namespace n ON n.oid = pn.pnnspid WHERE p.pubname = 'relay_outbox'
  LOOP
    EXECUTE format('ALTER PUBLICATION relay_outbox DROP TABLES IN SCHEMA %I', s);
  END LOOP;
  FOREACH s IN ARRAY ARRAY['gateway', 'imports', 'probe', 'access', 'reconcile']
  LOOP
    IF to_regclass(format('%I.outbox', s)) IS NOT NULL AND NOT EXISTS (SELECT FROM pg_publication_tables
        WHERE pubname = 'relay_outbox' AND schemaname = s AND tablename = 'outbox') THEN
      EXECUTE format('ALTER PUBLICATION relay_outbox ADD TABLE %I.outbox', s);
    END IF;
  END LOOP;
  IF (SELECT pubowner FROM pg_publication WHERE pubname = 'relay_outbox') <> 'relay_publisher'::regrole THEN
    -- a new owner needs CREATE on the database for the change only; it is taken back at once
    EXECUTE format('GRANT CREATE ON DATABASE %I TO relay_publisher', current_database());
    ALTER PUBLICATION relay_outbox OWNER TO relay_publisher;
    EXECUTE format('REVOKE CREATE ON DATABASE %I FROM relay_publisher', current_database());
  END IF;
END $$;
