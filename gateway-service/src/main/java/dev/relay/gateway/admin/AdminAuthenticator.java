package dev.relay.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Checks the admin token: {@code Authorization: Bearer <token>} or {@code x-admin-token: <token>}, compared in constant
 * time (both sides hashed to SHA-256 first, so not even the length leaks). With no token configured every call is
 * refused: the admin API is never open by default.
 */
public final class AdminAuthenticator {

    public enum Outcome {
        ALLOWED,
        NOT_CONFIGURED,
        MISSING,
        INVALID
    }

    private final byte[] expectedDigest;

    public AdminAuthenticator(String configuredToken) {
        this.expectedDigest =
                configuredToken == null || configuredToken.isBlank() ? null : sha256(configuredToken.strip());
    }

    public boolean configured() {
        return expectedDigest != null;
    }

    public Outcome check(String authorization, String adminTokenHeader) {
        if (expectedDigest == null) {
            return Outcome.NOT_CONFIGURED;
        }
        String presented = null;
        if (authorization != null && !authorization.isBlank()) {
            String a = authorization.strip();
            if (a.length() > 7 && a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                presented = a.substring(7).strip();
            }
        }
        if (presented == null && adminTokenHeader != null && !adminTokenHeader.isBlank()) {
            presented = adminTokenHeader.strip();
        }
        if (presented == null || presented.isEmpty()) {
            return Outcome.MISSING;
        }
        return MessageDigest.isEqual(expectedDigest, sha256(presented)) ? Outcome.ALLOWED : Outcome.INVALID;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
