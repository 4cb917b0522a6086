package dev.relay.gateway.health;

/** Why one upstream attempt failed, as far as channel health is concerned. */
public enum FailureKind {
    /** 429 without a quota body: cool down until retry-after / reset, else exponentially. */
    RATE_LIMITED,
    /** insufficient_quota-type body: the account is empty; auto-disable. */
    QUOTA_EXHAUSTED,
    /** 401/403: the credential is refused; auto-disable when repeated. */
    AUTH_REFUSED,
    /** 5xx. */
    SERVER_ERROR,
    /** connect, first-byte or total deadline exceeded. */
    TIMEOUT,
    /** connection refused / reset / DNS. */
    CONNECT_ERROR,
    /**
     * The gateway's own upstream connection pool is exhausted (pending-acquire timeout or queue full): the upstream is
     * not at fault, so the channel's health is not touched; the next channel is tried and the client gets 503.
     */
    LOCAL_OVERLOAD
}
