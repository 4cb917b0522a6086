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

-- The publication covers the service schemas, so outbox tables created later by Flyway are included without
-- superuser rights at migration time. publish = 'insert': the outbox is append-only, and tables without a replica
-- identity stay updatable. Debezium's table.include.list narrows the stream to the outbox tables.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'relay_outbox') THEN
    CREATE PUBLICATION relay_outbox FOR TABLES IN SCHEMA gateway, imports, probe, access, reconcile WITH (publish = 'insert');
  END IF;
END $$;
