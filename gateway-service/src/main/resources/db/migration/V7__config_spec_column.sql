-- Each channel, group and key keeps its operator-supplied spec in one jsonb column, `spec`: the spec record
-- (ChannelSpec, GroupSpec, KeySpec) as SpecJson writes it, one field per record component, named as in the admin API.
-- A field added to a spec then needs no column, no SQL and no migration. Columns of their own remain for what the
-- database constrains, finds or joins by, or the gateway itself sets: ids, name, status (and its reason, and a key's
-- reset time), managed_by/external_ref, a key's group and hash, a channel's sealed credential, version, timestamps.
-- Existing rows are copied field by field; the copied columns are dropped (with their checks, which the spec records
-- enforce on every write).

ALTER TABLE channel ADD COLUMN spec jsonb;
UPDATE channel SET spec = jsonb_build_object(
    'protocol', protocol,
    'baseUrl', base_url,
    'models', models,
    'modelMapping', model_mapping,
    'groups', groups,
    'priority', priority,
    'weight', weight,
    'extraHeaders', extra_headers,
    'connectTimeoutMs', connect_timeout_ms,
    'firstByteTimeoutMs', first_byte_timeout_ms,
    'totalTimeoutMs', total_timeout_ms,
    'capabilities', capabilities,
    'dialect', dialect);
ALTER TABLE channel ALTER COLUMN spec SET NOT NULL;
ALTER TABLE channel
    DROP COLUMN protocol,
    DROP COLUMN base_url,
    DROP COLUMN models,
    DROP COLUMN model_mapping,
    DROP COLUMN groups,
    DROP COLUMN priority,
    DROP COLUMN weight,
    DROP COLUMN extra_headers,
    DROP COLUMN connect_timeout_ms,
    DROP COLUMN first_byte_timeout_ms,
    DROP COLUMN total_timeout_ms,
    DROP COLUMN capabilities,
    DROP COLUMN dialect;
COMMENT ON COLUMN channel.spec IS 'ChannelSpec as JSON (SpecJson), without the fields that have columns and without the credential';

ALTER TABLE client_group ADD COLUMN spec jsonb;
UPDATE client_group SET spec = jsonb_build_object('models', models);
ALTER TABLE client_group ALTER COLUMN spec SET NOT NULL;
ALTER TABLE client_group DROP COLUMN models;
COMMENT ON COLUMN client_group.spec IS 'GroupSpec as JSON (SpecJson), without the fields that have columns';

-- instants as SpecJson writes them (ISO-8601 in UTC), whatever the session's time zone
ALTER TABLE client_key ADD COLUMN spec jsonb;
UPDATE client_key SET spec = jsonb_build_object(
    'expiresAt', to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'rateLimitPerMinute', rate_limit_per_minute);
ALTER TABLE client_key ALTER COLUMN spec SET NOT NULL;
ALTER TABLE client_key
    DROP COLUMN expires_at,
    DROP COLUMN rate_limit_per_minute;
COMMENT ON COLUMN client_key.spec IS 'KeySpec as JSON (SpecJson), without the fields that have columns and without the plaintext key';
