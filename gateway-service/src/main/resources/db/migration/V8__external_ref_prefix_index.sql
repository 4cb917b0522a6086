-- The admin lists filter by an externalRef prefix (externalRefPrefix=run:<id>/: what a control plane created for one
-- run). LIKE 'prefix%' can use a btree only under the C collation or with text_pattern_ops; the (managed_by,
-- external_ref) unique indexes use the database's collation, so each table gets a pattern index of its own. Without it
-- a run-scoped reconcile pass read every Relay-owned row of the host.
CREATE INDEX channel_external_ref_prefix ON channel (external_ref text_pattern_ops);
CREATE INDEX client_group_external_ref_prefix ON client_group (external_ref text_pattern_ops);
CREATE INDEX client_key_external_ref_prefix ON client_key (external_ref text_pattern_ops);
