package dev.relay.gateway.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The desired state of one client key. This record is the key's schema: {@link SpecJson} maps its components one to
 * one onto the admin API's JSON and onto the {@code spec} column of {@code client_key} (see {@link ChannelSpec}).
 *
 * @param statusReason why the key is {@link KeyStatus#EXHAUSTED} (what it used up, e.g. "monthly token budget"); null
 *     for every other status. Set by {@link #exhausted} only: read-only in the admin API, as is {@code statusUntil}
 * @param statusUntil when an exhausted key's budget resets (the edge lets it through again from then on, even before
 *     accounting restores it); null = no known reset, and null for every other status
 * @param key a caller-supplied plaintext key (at least {@value #MIN_SUPPLIED_KEY_LENGTH} characters) on creation, or
 *     null to have the gateway generate one; never stored, never printed
 */
public record KeySpec(
        String name,
        String groupId,
        KeyStatus status,

        @JsonProperty(access = JsonProperty.Access.READ_ONLY)
        String statusReason,

        @JsonProperty(access = JsonProperty.Access.READ_ONLY)
        Instant statusUntil,

        Instant expiresAt,
        Integer rateLimitPerMinute,
        String managedBy,
        String externalRef,

        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        String key) {

    public static final int MIN_SUPPLIED_KEY_LENGTH = 32;
    public static final int MAX_SUPPLIED_KEY_LENGTH = 256;
    public static final int STATUS_REASON_MAX = 1000;

    public KeySpec {
        name = Checks.requiredText(name, "name", Checks.NAME_MAX);
        groupId = Checks.requiredText(groupId, "groupId", 40);
        status = status == null ? KeyStatus.ENABLED : status;
        if (status == KeyStatus.EXHAUSTED) {
            statusReason = Checks.freeText(statusReason, STATUS_REASON_MAX);
            // the database keeps microseconds: compare what it will return
            statusUntil = statusUntil == null ? null : statusUntil.truncatedTo(ChronoUnit.MICROS);
        } else {
            statusReason = null;
            statusUntil = null;
        }
        if (rateLimitPerMinute != null && rateLimitPerMinute <= 0) {
            throw ConfigException.invalid("rateLimitPerMinute", "rateLimitPerMinute must be positive (or null)");
        }
        managedBy = Checks.optionalText(managedBy, "managedBy", Checks.MANAGED_BY_MAX);
        externalRef = Checks.optionalText(externalRef, "externalRef", Checks.EXTERNAL_REF_MAX);
        Checks.ownership(managedBy, externalRef);
        if (key != null) {
            if (key.length() < MIN_SUPPLIED_KEY_LENGTH || key.length() > MAX_SUPPLIED_KEY_LENGTH) {
                throw ConfigException.invalid(
                        "key",
                        "a supplied key must be " + MIN_SUPPLIED_KEY_LENGTH + " to " + MAX_SUPPLIED_KEY_LENGTH
                                + " characters");
            }
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (c <= ' ' || c > '~') {
                    throw ConfigException.invalid("key", "a supplied key must be printable ASCII without spaces");
                }
            }
        }
    }

    /** A key as an operator describes it: no exhaustion (that is accounting's, through {@link #exhausted}). */
    public KeySpec(
            String name,
            String groupId,
            KeyStatus status,
            Instant expiresAt,
            Integer rateLimitPerMinute,
            String managedBy,
            String externalRef,
            String key) {
        this(name, groupId, status, null, null, expiresAt, rateLimitPerMinute, managedBy, externalRef, key);
    }

    /** The same key with another status; any status but {@code EXHAUSTED} clears the reason and the reset time. */
    public KeySpec withStatus(KeyStatus newStatus) {
        return new KeySpec(
                name,
                groupId,
                newStatus,
                statusReason,
                statusUntil,
                expiresAt,
                rateLimitPerMinute,
                managedBy,
                externalRef,
                key);
    }

    /** The same key, {@code EXHAUSTED} for {@code reason} until {@code until} (null: no known reset). */
    public KeySpec exhausted(String reason, Instant until) {
        return new KeySpec(
                name,
                groupId,
                KeyStatus.EXHAUSTED,
                reason,
                until,
                expiresAt,
                rateLimitPerMinute,
                managedBy,
                externalRef,
                key);
    }

    public KeySpec withoutKey() {
        return new KeySpec(
                name,
                groupId,
                status,
                statusReason,
                statusUntil,
                expiresAt,
                rateLimitPerMinute,
                managedBy,
                externalRef,
                null);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "KeySpec[name=" + name + ", groupId=" + groupId + ", status=" + status + ", statusReason="
                + statusReason + ", statusUntil=" + statusUntil + ", expiresAt=" + expiresAt + ", rateLimitPerMinute="
                + rateLimitPerMinute + ", managedBy=" + managedBy + ", externalRef=" + externalRef + ", key="
                + (key == null ? "none" : "***") + "]";
    }
}
