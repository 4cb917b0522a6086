package dev.relay.gateway.edge;

import org.springframework.http.HttpStatus;

/**
 * An answer the edge gives itself, before or instead of any upstream call, in terms both client APIs' error shapes
 * can carry (OpenAI: message, type, param, code; Anthropic: the type derived from the status, message).
 */
public record Refusal(HttpStatus status, String message, String type, String param, String code) {

    static Refusal invalid(String message, String param) {
        return new Refusal(HttpStatus.BAD_REQUEST, message, "invalid_request_error", param, "invalid_request");
    }

    static Refusal unauthorized() {
        return new Refusal(
                HttpStatus.UNAUTHORIZED,
                "invalid or missing API key; send it as 'Authorization: Bearer <key>' or 'x-api-key'",
                "invalid_request_error",
                null,
                "invalid_api_key");
    }

    static Refusal methodNotAllowed(String method, String path) {
        return new Refusal(
                HttpStatus.METHOD_NOT_ALLOWED,
                "use " + method + " for " + path,
                "invalid_request_error",
                null,
                "method_not_allowed");
    }

    static Refusal unknownEndpoint(String path) {
        return new Refusal(
                HttpStatus.NOT_FOUND, "unknown endpoint " + path, "invalid_request_error", null, "unknown_endpoint");
    }

    static Refusal tooLarge(int maxBodyBytes) {
        return new Refusal(
                HttpStatus.CONTENT_TOO_LARGE,
                "request body exceeds " + maxBodyBytes + " bytes",
                "invalid_request_error",
                null,
                "request_too_large");
    }

    static Refusal modelNotFound(String message) {
        return new Refusal(HttpStatus.NOT_FOUND, message, "invalid_request_error", "model", "model_not_found");
    }

    static Refusal pinnedChannelNotFound(String channelId) {
        return new Refusal(
                HttpStatus.NOT_FOUND,
                "no channel '" + channelId + "' (" + dev.relay.gateway.proxy.RequestPurpose.CHANNEL_HEADER
                        + ") is routed by this gateway",
                "invalid_request_error",
                null,
                "channel_not_found");
    }

    static Refusal pinnedChannelNotAllowed(String channelId) {
        return new Refusal(
                HttpStatus.FORBIDDEN,
                "the pinned channel '" + channelId + "' is restricted to other groups than this API key's",
                "invalid_request_error",
                null,
                "channel_not_allowed");
    }

    static Refusal rateLimited() {
        return new Refusal(
                HttpStatus.TOO_MANY_REQUESTS,
                "rate limit of this API key exceeded",
                "rate_limit_error",
                null,
                "rate_limit_exceeded");
    }
}
