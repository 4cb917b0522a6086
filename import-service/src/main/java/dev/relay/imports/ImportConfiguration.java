package dev.relay.imports;

import dev.relay.contracts.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The service's secrets: the sealing box and the keyed HMAC over upstream keys. Both refuse to start unset. */
@Configuration
@EnableConfigurationProperties(ImportProperties.class)
public class ImportConfiguration {

    @Bean
    SecretBox secretBox(ImportProperties p) {
        if (p.masterKey() == null || p.masterKey().isBlank()) {
            throw new IllegalStateException("RELAY_MASTER_KEY (relay.imports.master-key) is not set");
        }
        return SecretBox.fromBase64(p.masterKeyId(), p.masterKey());
    }

    @Bean
    KeyHmac keyHmac(ImportProperties p) {
        if (p.keyHmacSecret() == null || p.keyHmacSecret().isBlank()) {
            throw new IllegalStateException("RELAY_KEY_HMAC_SECRET (relay.imports.key-hmac-secret) is not set");
        }
        return new KeyHmac(p.keyHmacSecret());
    }

    /** HMAC-SHA-256 over a full upstream key, hex: equal keys give equal values, and nothing can be read back. */
    public static final class KeyHmac {
        private final SecretKeySpec key;

        KeyHmac(String secret) {
            this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        }

        public String of(String apiKey) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return HexFormat.of().formatHex(mac.doFinal(apiKey.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
