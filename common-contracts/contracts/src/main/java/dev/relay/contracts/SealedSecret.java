package dev.relay.contracts;

import java.util.Objects;

/**
 * A secret as it may travel in an event: AES-GCM ciphertext (base64, nonce prepended) under the named master key,
 * plus a short non-reversible fingerprint for humans. Never the plaintext.
 */
public record SealedSecret(String keyId, String ciphertext, String fingerprint) {
    public SealedSecret {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(ciphertext, "ciphertext");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    @Override
    public String toString() {
        return "SealedSecret[keyId=" + keyId + ", fingerprint=" + fingerprint + "]";
    }
}
