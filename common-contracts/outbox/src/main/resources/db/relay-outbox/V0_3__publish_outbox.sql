-- Adds this service's outbox table to the Debezium publication relay_outbox, which holds the outbox tables and
-- nothing else (see infra/sql/schemas.sql). The publication's owner, relay_publisher, is a role every service role is
-- a member of, so no superuser is needed here. Only the five service schemas join it: a test schema streams through a
-- publication of its own. Nothing happens where the publication is absent or not yet owned by relay_publisher (the
-- bootstrap adds existing outbox tables itself when it converts the publication).
DO $$
DECLARE
  pub_owner oid;
BEGIN
  SELECT pubowner INTO pub_owner FROM pg_publication WHERE pubname = 'relay_outbox';
  IF pub_owner IS NOT NULL
     AND current_schema() IN ('gateway', 'imports', 'probe', 'access', 'reconcile')
     AND pg_has_role(current_user, pub_owner, 'USAGE')
     AND NOT EXISTS (SELECT FROM pg_publication_namespace pn WHERE pn.pnpubid =
           (SELECT oid FROM pg_publication WHERE pubname = 'relay_outbox'))
     AND NOT EXISTS (SELECT FROM pg_publication_tables
           WHERE pubname = 'relay_outbox' AND schemaname = current_schema() AND tablename = 'outbox') THEN
    EXECUTE format('ALTER PUBLICATION relay_outbox ADD TABLE %I.outbox', current_schema());
  END IF;
END $$;
