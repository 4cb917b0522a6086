package dev.relay.gateway.routing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Client key material: generation, hashing (SHA-256, hex), display prefix. */
public final class ClientKeys {

    public static final String PREFIX = "rk-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClientKeys() {}

    /** A new key: {@code rk-} + 43 url-safe base64 characters (256 bits). */
    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String hash(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static String displayPrefix(String key) {
        return key.substring(0, Math.min(key.length(), 10));
    }
}
