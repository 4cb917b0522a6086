package dev.relay.gateway.proxy;

import dev.relay.contracts.UsageRecorded.Purpose;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Why a client-API request was made, for metering: {@code client}, unless the control plane marks its own confirmation
 * or re-verification call with {@code x-relay-purpose: confirmation|verification} <em>and</em> proves it with the
 * host's admin token in {@code x-admin-token} (compared in constant time). A client that sends the purpose header
 * without the token is metered as a client: accounting never debits confirmation calls, so the claim must be proven.
 */
public final class RequestPurpose {

    public static final String PURPOSE_HEADER = "x-relay-purpose";
    public static final String TOKEN_HEADER = "x-admin-token";

    private final byte[] tokenDigest;

    /** @param adminToken the host's admin token; null or blank: no request can claim a purpose */
    public RequestPurpose(String adminToken) {
        this.tokenDigest = adminToken == null || adminToken.isBlank() ? null : sha256(adminToken);
    }

    public Purpose of(String purposeHeader, String tokenHeader) {
        if (purposeHeader == null || tokenDigest == null || tokenHeader == null) {
            return Purpose.CLIENT;
        }
        Purpose claimed = switch (purposeHeader.trim().toLowerCase(Locale.ROOT)) {
            case "confirmation" -> Purpose.CONFIRMATION;
            case "verification" -> Purpose.VERIFICATION;
            default -> Purpose.CLIENT;
        };
        if (claimed == Purpose.CLIENT) {
            return claimed;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(tokenHeader)) ? claimed : Purpose.CLIENT;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
