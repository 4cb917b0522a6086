package dev.relay.gateway.admin;

import dev.relay.gateway.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * One admin API error in the OpenAI-style shape {@code {"error":{"message","type","code","param"}}}. Messages never
 * carry a secret or a request body.
 */
public record AdminError(HttpStatus status, String type, String code, String param, String message) {

    public static AdminError of(ConfigException ex) {
        return switch (ex.reason()) {
            case INVALID ->
                new AdminError(HttpStatus.BAD_REQUEST, "invalid_request_error", ex.code(), ex.param(), ex.getMessage());
            case NOT_FOUND ->
                new AdminError(HttpStatus.NOT_FOUND, "not_found_error", ex.code(), ex.param(), ex.getMessage());
            case CONFLICT ->
                new AdminError(HttpStatus.CONFLICT, "conflict_error", ex.code(), ex.param(), ex.getMessage());
            case PRECONDITION_FAILED ->
                new AdminError(
                        HttpStatus.PRECONDITION_FAILED,
                        "precondition_failed_error",
                        ex.code(),
                        ex.param(),
                        ex.getMessage());
        };
    }

    public static AdminError invalid(String code, String param, String message) {
        return new AdminError(HttpStatus.BAD_REQUEST, "invalid_request_error", code, param, message);
    }

    public static AdminError unsupportedMediaType(String message) {
        return new AdminError(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE, "invalid_request_error", "unsupported_media_type", null, message);
    }

    /** The type of a plain HTTP status (for errors raised by the framework, e.g. 405). */
    public static String typeOf(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, UNSUPPORTED_MEDIA_TYPE, PAYLOAD_TOO_LARGE ->
                "invalid_request_error";
            case UNAUTHORIZED -> "authentication_error";
            case FORBIDDEN -> "permission_error";
            case NOT_FOUND -> "not_found_error";
            case CONFLICT -> "conflict_error";
            case PRECONDITION_FAILED -> "precondition_failed_error";
            case SERVICE_UNAVAILABLE -> "service_unavailable_error";
            default -> "api_error";
        };
    }

    public Map<String, Object> body() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("code", code);
        error.put("param", param);
        return Map.of("error", error);
    }
}
