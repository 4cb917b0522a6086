package dev.relay.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTests {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private final SecretBox box = SecretBox.fromBase64("k1", KEY);

    @Test
    void sealsAndOpensWithFreshNoncesAndNoPlaintextInside() {
        SealedSecret a = box.seal("sk-live-abcdef123456");
        SealedSecret b = box.seal("sk-live-abcdef123456");
        assertThat(a.ciphertext()).isNotEqualTo(b.ciphertext()).doesNotContain("abcdef");
        assertThat(box.open(a)).isEqualTo("sk-live-abcdef123456");
        assertThat(a.fingerprint())
                .isEqualTo(b.fingerprint())
                .startsWith("sk-…")
                .hasSize(12);
    }

    @Test
    void refusesTamperedCiphertextAndForeignKeyIds() {
        SealedSecret a = box.seal("sk-secret");
        byte[] raw = Base64.getDecoder().decode(a.ciphertext());
        raw[raw.length - 1] ^= 1;
        SealedSecret tampered = new SealedSecret("k1", Base64.getEncoder().encodeToString(raw), a.fingerprint());
        assertThatThrownBy(() -> box.open(tampered)).hasMessageContaining("does not authenticate");
        assertThatThrownBy(() -> box.open(new SealedSecret("k2", a.ciphertext(), a.fingerprint())))
                .hasMessageContaining("k2");
        assertThatThrownBy(() -> SecretBox.fromBase64("k1", "c2hvcnQ=")).hasMessageContaining("32 bytes");
    }
}
