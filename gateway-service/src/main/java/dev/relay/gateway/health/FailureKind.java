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
    CONNECT_ERROR
}
