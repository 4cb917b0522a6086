package dev.relay.gateway.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.relay.contracts.Protocol;
import dev.relay.gateway.routing.ChannelCapabilities;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ChannelStatus;
import dev.relay.gateway.translate.UpstreamDialect;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The desired state of one upstream channel, validated on construction (each failure names its field; an absent
 * optional field is null here and takes its default).
 *
 * <p>This record is the channel's schema: {@link SpecJson} maps its components one to one onto the admin API's JSON
 * and onto the {@code spec} column of {@code channel}. A new field is a new component (with its check and default
 * below, and in {@link #withCredential}/{@link #withStatus}); it also reaches the hot path once
 * {@link SnapshotLoader#route} copies it into {@link ChannelRoute}.
 *
 * @param baseUrl as given (with or without {@code /v1}); the snapshot normalises it
 * @param credential the upstream API key in plaintext, or null on an update that keeps the stored one; never printed,
 *     never written as JSON (it is stored sealed, in columns of its own)
 * @param groups group ids allowed to use the channel; empty = every group
 * @param weight default 1
 */
public record ChannelSpec(
        String name,
        Protocol protocol,
        String baseUrl,

        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        String credential,

        List<String> models,
        Map<String, String> modelMapping,
        List<String> groups,
        int priority,
        Integer weight,
        Map<String, String> extraHeaders,
        Integer connectTimeoutMs,
        Integer firstByteTimeoutMs,
        Integer totalTimeoutMs,
        ChannelCapabilities capabilities,
        UpstreamDialect dialect,
        ChannelStatus status,
        String statusReason,
        String managedBy,
        String externalRef) {

    static final int MAX_TIMEOUT_MS = 3_600_000;
    static final int MAX_WEIGHT = 1_000_000;

    /** Headers a channel may not set: hop-by-hop headers, and credentials (the gateway injects those itself). */
    static final Set<String> FORBIDDEN_HEADERS = dev.relay.contracts.UpstreamHeaders.MANAGED;

    public ChannelSpec {
        name = Checks.requiredText(name, "name", Checks.NAME_MAX);
        if (protocol == null) {
            throw ConfigException.invalid("missing_field", "protocol", "protocol is required (OPENAI or ANTHROPIC)");
        }
        baseUrl = checkBaseUrl(baseUrl);
        if (credential != null) {
            checkCredential(credential);
        }
        models = Checks.names(models, "models", true);
        if (models.contains("*")) {
            throw ConfigException.invalid("models", "a channel serves named models; '*' is for groups");
        }
        modelMapping = checkMapping(modelMapping, models);
        groups = Checks.names(groups, "groups", false);
        weight = weight == null ? 1 : weight;
        if (weight <= 0 || weight > MAX_WEIGHT) {
            throw ConfigException.invalid("weight", "weight must be between 1 and " + MAX_WEIGHT);
        }
        extraHeaders = checkHeaders(extraHeaders);
        checkTimeout(connectTimeoutMs, "connectTimeoutMs");
        checkTimeout(firstByteTimeoutMs, "firstByteTimeoutMs");
        checkTimeout(totalTimeoutMs, "totalTimeoutMs");
        if (firstByteTimeoutMs != null && totalTimeoutMs != null && firstByteTimeoutMs > totalTimeoutMs) {
            throw ConfigException.invalid("firstByteTimeoutMs", "firstByteTimeoutMs must not exceed totalTimeoutMs");
        }
        capabilities = capabilities == null ? ChannelCapabilities.DEFAULT : capabilities;
        dialect = dialect == null ? UpstreamDialect.DEFAULT : dialect;
        status = status == null ? ChannelStatus.ENABLED : status;
        statusReason = Checks.freeText(statusReason, 1000);
        managedBy = Checks.optionalText(managedBy, "managedBy", Checks.MANAGED_BY_MAX);
        externalRef = Checks.optionalText(externalRef, "externalRef", Checks.EXTERNAL_REF_MAX);
        Checks.ownership(managedBy, externalRef);
    }

    /** The same spec with another credential (null = keep the stored one). */
    public ChannelSpec withCredential(String newCredential) {
        return new ChannelSpec(
                name,
                protocol,
                baseUrl,
                newCredential,
                models,
                modelMapping,
                groups,
                priority,
                weight,
                extraHeaders,
                connectTimeoutMs,
                firstByteTimeoutMs,
                totalTimeoutMs,
                capabilities,
                dialect,
                status,
                statusReason,
                managedBy,
                externalRef);
    }

    public ChannelSpec withStatus(ChannelStatus newStatus, String reason) {
        return new ChannelSpec(
                name,
                protocol,
                baseUrl,
                credential,
                models,
                modelMapping,
                groups,
                priority,
                weight,
                extraHeaders,
                connectTimeoutMs,
                firstByteTimeoutMs,
                totalTimeoutMs,
                capabilities,
                dialect,
                newStatus,
                reason,
                managedBy,
                externalRef);
    }

    private static String checkBaseUrl(String baseUrl) {
        String v = Checks.requiredText(baseUrl, "baseUrl", 2048);
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException ex) {
            throw ConfigException.invalid("baseUrl", "baseUrl is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw ConfigException.invalid("baseUrl", "baseUrl must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw ConfigException.invalid("baseUrl", "baseUrl must not carry user info; put the key in credential");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw ConfigException.invalid("baseUrl", "baseUrl must not have a query or fragment");
        }
        try {
            ChannelRoute.normaliseApiBase(v);
        } catch (IllegalArgumentException ex) {
            throw ConfigException.invalid("baseUrl", "baseUrl must be an absolute http or https URL");
        }
        return v;
    }

    private static void checkCredential(String credential) {
        if (credential.isEmpty()) {
            throw ConfigException.invalid("credential", "credential must not be empty");
        }
        if (credential.length() > 8192) {
            throw ConfigException.invalid("credential", "credential must be at most 8192 characters");
        }
        for (int i = 0; i < credential.length(); i++) {
            char c = credential.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw ConfigException.invalid(
                        "credential", "credential must not contain whitespace or control characters");
            }
        }
    }

    private static Map<String, String> checkMapping(Map<String, String> mapping, List<String> models) {
        if (mapping == null || mapping.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        mapping.forEach((publicName, upstreamName) -> {
            if (!models.contains(publicName)) {
                throw ConfigException.invalid(
                        "modelMapping", "modelMapping key '" + publicName + "' is not one of the channel's models");
            }
            out.put(publicName, Checks.name(upstreamName, "modelMapping"));
        });
        return java.util.Collections.unmodifiableMap(out);
    }

    private static Map<String, String> checkHeaders(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        headers.forEach((name, value) -> {
            if (name == null || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}")) {
                throw ConfigException.invalid("extraHeaders", "extraHeaders has an invalid header name");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (FORBIDDEN_HEADERS.contains(lower)) {
                throw ConfigException.invalid(
                        "extraHeaders",
                        "extraHeaders must not set " + name
                                + " (hop-by-hop headers and credentials are managed by the gateway)");
            }
            if (!seen.add(lower)) {
                throw ConfigException.invalid("extraHeaders", "extraHeaders sets " + name + " twice");
            }
            if (value == null || value.length() > 4096 || Checks.hasControl(value)) {
                throw ConfigException.invalid(
                        "extraHeaders",
                        "extraHeaders value of " + name + " must be a string without control characters");
            }
            out.put(name, value);
        });
        return java.util.Collections.unmodifiableMap(out);
    }

    private static void checkTimeout(Integer ms, String param) {
        if (ms != null && (ms <= 0 || ms > MAX_TIMEOUT_MS)) {
            throw ConfigException.invalid(param, param + " must be between 1 and " + MAX_TIMEOUT_MS);
        }
    }

    /** Never prints the credential. */
    @Override
    public String toString() {
        return "ChannelSpec[name=" + name + ", protocol=" + protocol + ", baseUrl=" + baseUrl + ", credential="
                + (credential == null ? "keep" : "***") + ", models=" + models + ", groups=" + groups + ", priority="
                + priority + ", weight=" + weight + ", status=" + status + ", managedBy=" + managedBy
                + ", externalRef=" + externalRef + "]";
    }
}
