package dev.relay.contracts;

/** Why an item (or an upstream call) failed. Shared by probe, access, gateway and the run projection. */
public enum FailureClass {
    /** Upstream answered 401/403: the key is wrong or revoked. Not retryable. */
    AUTH_INVALID(false),
    /** Upstream 429 with an insufficient-quota body: the account has no credit. Not retryable. */
    QUOTA_EXHAUSTED(false),
    /** Upstream 429 with retry-after: try again later. */
    RATE_LIMITED(true),
    /** Connection refused, DNS failure, TLS failure. */
    UNREACHABLE(true),
    /** Connect, first-byte or total deadline exceeded. */
    TIMEOUT(true),
    /** Endpoints missing or answers malformed for every protocol tried. */
    INCOMPATIBLE(false),
    /** No usable model (or the requested model is not served). */
    MODEL_NOT_FOUND(false),
    /** Upstream answers directly but not through the edge. */
    HOST_COMPATIBILITY_GAP(false),
    /** Upstream refuses with 429 when called through the edge. */
    UPSTREAM_KEY_QUOTA_ISSUE(false),
    /** Upstream 5xx. */
    UPSTREAM_ERROR(true),
    /** The submitted URL is not allowed (private, loopback, link-local or metadata address). */
    URL_NOT_ALLOWED(false),
    /** The submitted item itself is malformed. */
    INVALID_INPUT(false),
    /** A defect or an unavailable dependency on our side. */
    INTERNAL(true);

    private final boolean retryable;

    FailureClass(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether a later attempt can succeed without anybody changing the item. */
    public boolean retryable() {
        return retryable;
    }
}
