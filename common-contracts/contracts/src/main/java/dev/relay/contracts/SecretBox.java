package dev.relay.contracts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM sealing of secrets (upstream API keys) at rest and in events. The master key comes from the environment
 * ({@code RELAY_MASTER_KEY}, base64 of 32 bytes); its id is bound into every ciphertext as associated data so a
 * ciphertext cannot be opened under another key id. Ciphertext = base64(nonce(12) || GCM output).
 */
public final class SecretBox {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String keyId;
    private final SecretKeySpec key;

    public SecretBox(String keyId, byte[] masterKey) {
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        if (masterKey == null || masterKey.length != 32) {
            throw new IllegalArgumentException("master key must be 32 bytes (AES-256)");
        }
        this.key = new SecretKeySpec(masterKey.clone(), "AES");
    }

    /** From a base64 master key, e.g. the value of {@code RELAY_MASTER_KEY}. */
    public static SecretBox fromBase64(String keyId, String base64MasterKey) {
        byte[] k;
        try {
            k = Base64.getDecoder()
                    .decode(Objects.requireNonNull(base64MasterKey, "master key")
                            .trim());
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("master key is not base64", ex);
        }
        return new SecretBox(keyId, k);
    }

    public String keyId() {
        return keyId;
    }

    public SealedSecret seal(String plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
            byte[] out = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] all = ByteBuffer.allocate(nonce.length + out.length)
                    .put(nonce)
                    .put(out)
                    .array();
            return new SealedSecret(keyId, Base64.getEncoder().encodeToString(all), fingerprint(plaintext));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("AES-GCM unavailable", ex);
        }
    }

    public String open(SealedSecret sealed) {
        Objects.requireNonNull(sealed, "sealed");
        if (!keyId.equals(sealed.keyId())) {
            throw new IllegalArgumentException(
                    "sealed under key '" + sealed.keyId() + "', this box holds '" + keyId + "'");
        }
        byte[] all;
        try {
            all = Base64.getDecoder().decode(sealed.ciphertext());
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("ciphertext is not base64", ex);
        }
        if (all.length <= NONCE_BYTES) {
            throw new IllegalArgumentException("ciphertext too short");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            c.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException ex) {
            throw new IllegalArgumentException("ciphertext does not authenticate under key '" + keyId + "'", ex);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("AES-GCM unavailable", ex);
        }
    }

    /**
     * A short, non-reversible label for humans and logs: the key's first 3 characters, an ellipsis, and 8 hex
     * characters of its SHA-256. Never enough to use or brute-force the key.
     */
    public static String fingerprint(String secret) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            String head = secret.length() > 8 ? secret.substring(0, 3) : "";
            return head + "…" + HexFormat.of().formatHex(h, 0, 4);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
