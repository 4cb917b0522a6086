-- A pass over every run re-verifies at most relay.reconcile.verify-per-pass ready items, those verified longest ago
-- first (never verified: first of all), so the work of a scheduled pass is bounded however many items a host holds,
-- and every ready item still comes round. A run's own pass verifies all of the run's items.
ALTER TABLE ready_item ADD COLUMN verified_at timestamptz;
CREATE INDEX ready_item_verify_order ON ready_item (verified_at NULLS FIRST, item_id) WHERE ready;
CREATE INDEX ledger_resource_item ON ledger_resource (item_id);
