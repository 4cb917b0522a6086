-- Usage accounting marks a key that used up its budget EXHAUSTED (POST /admin/v1/keys/{id}/exhaust): the edge refuses
-- it with 429 key_exhausted until status_until (NULL = no known reset, e.g. until a top-up) or until it is restored.
-- The reason and the reset time belong to EXHAUSTED only.
ALTER TABLE client_key DROP CONSTRAINT client_key_status_check;
ALTER TABLE client_key ADD CONSTRAINT client_key_status_check
    CHECK (status IN ('ENABLED', 'DISABLED', 'EXHAUSTED'));
ALTER TABLE client_key ADD COLUMN status_reason text;
ALTER TABLE client_key ADD COLUMN status_until timestamptz;
ALTER TABLE client_key ADD CONSTRAINT client_key_exhaustion_check
    CHECK (status = 'EXHAUSTED' OR (status_reason IS NULL AND status_until IS NULL));
