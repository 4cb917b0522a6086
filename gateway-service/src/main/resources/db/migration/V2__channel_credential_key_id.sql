-- The master key id a channel's credential is sealed under (SecretBox binds it into the ciphertext), so a later key
-- rotation can open old rows with the old key. NULL = sealed under the configured relay.gateway.master-key-id.
ALTER TABLE channel ADD COLUMN credential_key_id varchar(64);
COMMENT ON COLUMN channel.credential_ciphertext IS 'SecretBox (AES-256-GCM) ciphertext, base64(nonce || ciphertext || tag); write-only over the admin API';
