package dev.relay.gateway.config;

/**
 * A refused configuration change or lookup. {@link #reason()} decides the HTTP status in the admin API; {@link #code()}
 * is a stable machine-readable code; {@link #param()} names the offending field, if any. Messages never contain a
 * secret.
 */
public class ConfigException extends RuntimeException {

    public enum Reason {
        INVALID,
        NOT_FOUND,
        CONFLICT,
        PRECONDITION_FAILED
    }

    private final Reason reason;
    private final String code;
    private final String param;

    public ConfigException(Reason reason, String code, String param, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.code = code;
        this.param = param;
    }

    public static ConfigException invalid(String param, String message) {
        return new ConfigException(Reason.INVALID, "invalid_value", param, message);
    }

    public static ConfigException invalid(String code, String param, String message) {
        return new ConfigException(Reason.INVALID, code, param, message);
    }

    public static ConfigException notFound(String kind, String id) {
        return new ConfigException(Reason.NOT_FOUND, kind + "_not_found", null, "no " + kind + " with id '" + id + "'");
    }

    public static ConfigException conflict(String code, String message) {
        return new ConfigException(Reason.CONFLICT, code, null, message);
    }

    public static ConfigException staleVersion(String kind, String id, long current) {
        return new ConfigException(
                Reason.PRECONDITION_FAILED,
                "version_mismatch",
                null,
                kind + " '" + id + "' is at version " + current + ", which does not match If-Match");
    }

    public Reason reason() {
        return reason;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }
}
