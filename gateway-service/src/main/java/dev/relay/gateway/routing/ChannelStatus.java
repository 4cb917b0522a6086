package dev.relay.gateway.routing;

/** Operator-visible channel status. Cooldowns are not a status: they live in the channel-health state. */
public enum ChannelStatus {
    ENABLED,
    DISABLED,
    /** Disabled by the gateway itself (quota exhausted, repeated auth failures) until re-enabled or re-probed. */
    AUTO_DISABLED
}
