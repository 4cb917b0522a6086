package dev.relay.gateway.proxy;

import dev.relay.contracts.UsageRecorded.Purpose;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * What the control plane may claim on a client-API request, proven with the host's admin token in
 * {@code x-admin-token} (compared in constant time); a client key alone proves nothing.
 *
 * <ul>
 *   <li>Why the request was made, for metering: {@code client}, unless the control plane marks its own confirmation
 *       or re-verification call with {@code x-relay-purpose: confirmation|verification}. A client that sends the
 *       purpose header without the token is metered as a client: accounting never debits confirmation calls, so the
 *       claim must be proven.
 *   <li>Which channel must serve it ({@code x-relay-channel: <channelId>}, see {@link #pinnedChannel}): a pinned
 *       request is a confirmation unless it says {@code verification} ({@link #ofPinned}), never a client's.
 * </ul>
 */
public final class RequestPurpose {

    public static final String PURPOSE_HEADER = "x-relay-purpose";
    public static final String TOKEN_HEADER = "x-admin-token";
    public static final String CHANNEL_HEADER = "x-relay-channel";

    private final byte[] tokenDigest;

    /** @param adminToken the host's admin token; null or blank: no request can claim anything */
    public RequestPurpose(String adminToken) {
        this.tokenDigest = adminToken == null || adminToken.isBlank() ? null : sha256(adminToken.strip());
    }

    public Purpose of(String purposeHeader, String tokenHeader) {
        if (purposeHeader == null || tokenDigest == null || tokenHeader == null) {
            return Purpose.CLIENT;
        }
        Purpose claimed = claimed(purposeHeader);
        if (claimed == Purpose.CLIENT) {
            return claimed;
        }
        return proves(tokenHeader) ? claimed : Purpose.CLIENT;
    }

    /** The purpose of a request whose channel pin was proven: {@code VERIFICATION} if it says so, else confirmation. */
    public Purpose ofPinned(String purposeHeader) {
        return purposeHeader != null && claimed(purposeHeader) == Purpose.VERIFICATION
                ? Purpose.VERIFICATION
                : Purpose.CONFIRMATION;
    }

    /**
     * The channel a request is pinned to: the {@code x-relay-channel} value when {@code x-admin-token} carries the
     * admin token, else null (the header of a request without the token is ignored: a client cannot pin).
     */
    public String pinnedChannel(String channelHeader, String tokenHeader) {
        if (channelHeader == null || channelHeader.isBlank() || channelHeader.length() > 64) {
            return null;
        }
        return proves(tokenHeader) ? channelHeader.strip() : null;
    }

    /** Whether {@code tokenHeader} is the admin token (constant time; nothing proves anything without one). */
    public boolean proves(String tokenHeader) {
        return tokenDigest != null
                && tokenHeader != null
                && MessageDigest.isEqual(tokenDigest, sha256(tokenHeader.strip()));
    }

    private static Purpose claimed(String purposeHeader) {
        return switch (purposeHeader.trim().toLowerCase(Locale.ROOT)) {
            case "confirmation" -> Purpose.CONFIRMATION;
            case "verification" -> Purpose.VERIFICATION;
            default -> Purpose.CLIENT;
        };
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
