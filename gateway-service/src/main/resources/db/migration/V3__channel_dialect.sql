-- How an OpenAI-compatible upstream differs from OpenAI's dialect where a translation must choose: its reasoning
-- control and where system messages may go. '{}' = the defaults (reasoning none, system messages inline).
ALTER TABLE channel ADD COLUMN dialect jsonb NOT NULL DEFAULT '{}'::jsonb;
