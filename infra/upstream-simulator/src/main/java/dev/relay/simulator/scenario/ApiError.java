package dev.relay.simulator.scenario;

import dev.relay.simulator.content.JsonText;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * An error answer in the provider's own shape: OpenAI {@code {"error":{"message","type","param","code"}}}, Anthropic
 * {@code {"type":"error","error":{"type","message"}}}. 429s carry {@code retry-after} and rate-limit headers.
 *
 * @param flavor whose shape
 * @param status HTTP status
 * @param body the JSON body
 * @param retryAfterSeconds {@code retry-after} to send, or -1 for none
 */
public record ApiError(ApiFlavor flavor, int status, byte[] body, int retryAfterSeconds) {

    private static final String QUOTA_MESSAGE = "You exceeded your current quota, please check your plan and billing"
            + " details. For more information on this error, read the docs:"
            + " https://platform.openai.com/docs/guides/error-codes/api-errors.";
    private static final String ANTHROPIC_BILLING_MESSAGE = "Your credit balance is too low to access the Anthropic"
            + " API. Please go to Plans & Billing to upgrade or purchase credits.";

    /** The error a status-code behaviour (or fail-first) answers with. */
    public static ApiError forStatus(ApiFlavor flavor, int status, int retryAfterSeconds, String key) {
        if (status == 429) {
            return rateLimited(flavor, retryAfterSeconds);
        }
        if (status == 401) {
            return invalidKey(flavor, key == null ? "sk-unknown" : key);
        }
        if (flavor == ApiFlavor.ANTHROPIC) {
            String type = switch (status) {
                case 400, 409, 422 -> "invalid_request_error";
                case 403 -> "permission_error";
                case 404 -> "not_found_error";
                case 413 -> "request_too_large";
                case 504 -> "timeout_error";
                case 529 -> "overloaded_error";
                default -> status < 500 ? "invalid_request_error" : "api_error";
            };
            String message = switch (status) {
                case 403 -> "Your API key does not have permission to use the specified resource.";
                case 404 -> "The requested resource could not be found.";
                case 413 -> "Request exceeds the maximum allowed number of bytes.";
                case 500 -> "Internal server error";
                case 503 -> "Service unavailable";
                case 529 -> "Overloaded";
                default -> "Simulated HTTP " + status + " error.";
            };
            return anthropic(status, type, message);
        }
        return switch (status) {
            case 403 ->
                openAi(
                        403,
                        "Country, region, or territory not supported",
                        "request_forbidden",
                        "unsupported_country_region_territory");
            case 404 -> openAi(404, "The requested resource could not be found.", "invalid_request_error", null);
            case 500 ->
                openAi(
                        500,
                        "The server had an error while processing your request. Sorry about that!",
                        "server_error",
                        null);
            case 502 -> openAi(502, "Bad gateway.", "server_error", null);
            case 503 -> openAi(503, "The server is overloaded or not ready yet.", "server_error", null);
            case 504 -> openAi(504, "Gateway timeout.", "server_error", null);
            default ->
                openAi(
                        status,
                        "Simulated HTTP " + status + " error.",
                        status < 500 ? "invalid_request_error" : "server_error",
                        null);
        };
    }

    /** 401: no key, a rejected key, or the {@code 401} behaviour ({@code key} null). */
    public static ApiError invalidKey(ApiFlavor flavor, String key) {
        if (flavor == ApiFlavor.ANTHROPIC) {
            return anthropic(401, "authentication_error", "invalid x-api-key");
        }
        if (key == null || key.isEmpty()) {
            return openAi(
                    401,
                    "You didn't provide an API key. You need to provide your API key in an Authorization header using"
                            + " Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                    "invalid_request_error",
                    null);
        }
        return openAi(
                401,
                "Incorrect API key provided: " + mask(key)
                        + ". You can find your API key at https://platform.openai.com/account/api-keys.",
                "invalid_request_error",
                "invalid_api_key");
    }

    public static ApiError rateLimited(ApiFlavor flavor, int retryAfterSeconds) {
        ApiError error = flavor == ApiFlavor.ANTHROPIC
                ? anthropic(
                        429,
                        "rate_limit_error",
                        "This request would exceed the rate limit for your organization of 60 requests per minute."
                                + " Please try again in " + retryAfterSeconds + "s.")
                : openAi(
                        429,
                        "Rate limit reached for requests in organization org-sim on requests per min (RPM): Limit 60,"
                                + " Used 60, Requested 1. Please try again in " + retryAfterSeconds + "s.",
                        "requests",
                        "rate_limit_exceeded");
        return new ApiError(flavor, 429, error.body(), retryAfterSeconds);
    }

    public static ApiError quotaExceeded(ApiFlavor flavor) {
        return flavor == ApiFlavor.ANTHROPIC
                ? anthropic(429, "rate_limit_error", ANTHROPIC_BILLING_MESSAGE)
                : openAi(429, QUOTA_MESSAGE, "insufficient_quota", "insufficient_quota");
    }

    /**
     * The warm-up race of a new key ({@link Behavior#WARMUP}): it is listed by {@code /v1/models} but may not generate
     * yet. 403: a permission error (OpenAI {@code permission_error}, Anthropic {@code permission_error}); another
     * status: as {@link #forStatus}.
     */
    public static ApiError notYetPermitted(ApiFlavor flavor, int status, int retryAfterSeconds, String key) {
        if (status != 403 || flavor == ApiFlavor.ANTHROPIC) {
            return forStatus(flavor, status, retryAfterSeconds, key);
        }
        return openAi(
                403,
                "You do not have permission to use this model yet. New API keys can take a few minutes to become"
                        + " active; please try again later.",
                "permission_error",
                "permission_denied");
    }

    public static ApiError modelNotFound(ApiFlavor flavor, String model) {
        return flavor == ApiFlavor.ANTHROPIC
                ? anthropic(404, "not_found_error", "model: " + model)
                : openAi(
                        404,
                        "The model `" + model + "` does not exist or you do not have access to it.",
                        "invalid_request_error",
                        "model_not_found");
    }

    public static ApiError invalidRequest(ApiFlavor flavor, String message) {
        return flavor == ApiFlavor.ANTHROPIC
                ? anthropic(400, "invalid_request_error", message)
                : openAi(400, message, "invalid_request_error", null);
    }

    public static ApiError notFound(ApiFlavor flavor, String method, String path) {
        return flavor == ApiFlavor.ANTHROPIC
                ? anthropic(404, "not_found_error", "Not Found")
                : openAi(404, "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null);
    }

    public static ApiError tooLarge(ApiFlavor flavor) {
        return flavor == ApiFlavor.ANTHROPIC
                ? anthropic(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.")
                : openAi(413, "Request too large.", "invalid_request_error", null);
    }

    /** A chat request with {@code tools} to a model without native tools ({@code x-sim-no-tools}). */
    public static ApiError toolsUnsupported() {
        return openAi(
                400, "tools are not supported by this model", "invalid_request_error", "tools", "tools_unsupported");
    }

    /** Image input to a text-only model ({@code x-sim-vision: false}). */
    public static ApiError imageUnsupported(ApiFlavor flavor) {
        String message = "image input is not supported by this model";
        return flavor == ApiFlavor.ANTHROPIC
                ? anthropic(400, "invalid_request_error", message)
                : openAi(400, message, "invalid_request_error", "messages", "image_input_unsupported");
    }

    public static ApiError openAi(int status, String message, String type, String code) {
        return openAi(status, message, type, null, code);
    }

    public static ApiError openAi(int status, String message, String type, String param, String code) {
        StringBuilder out = new StringBuilder(160).append("{\"error\":{\"message\":");
        JsonText.quote(out, message).append(",\"type\":");
        JsonText.quote(out, type).append(",\"param\":");
        JsonText.quote(out, param).append(",\"code\":");
        JsonText.quote(out, code).append("}}");
        return new ApiError(ApiFlavor.OPENAI, status, JsonText.utf8(out), -1);
    }

    public static ApiError anthropic(int status, String type, String message) {
        StringBuilder out = new StringBuilder(128).append("{\"type\":\"error\",\"error\":{\"type\":");
        JsonText.quote(out, type).append(",\"message\":");
        JsonText.quote(out, message).append("}}");
        return new ApiError(ApiFlavor.ANTHROPIC, status, JsonText.utf8(out), -1);
    }

    /** Status, content type and headers onto {@code headers}. */
    public void applyHeaders(HttpHeaders headers) {
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (retryAfterSeconds >= 0) {
            headers.set("retry-after", Integer.toString(retryAfterSeconds));
            headers.set("retry-after-ms", Long.toString(retryAfterSeconds * 1000L));
            headers.set("x-ratelimit-limit-requests", "60");
            headers.set("x-ratelimit-remaining-requests", "0");
            headers.set("x-ratelimit-reset-requests", retryAfterSeconds + "s");
            if (flavor == ApiFlavor.ANTHROPIC) {
                headers.set("anthropic-ratelimit-requests-limit", "60");
                headers.set("anthropic-ratelimit-requests-remaining", "0");
                headers.set(
                        "anthropic-ratelimit-requests-reset",
                        Instant.now()
                                .plusSeconds(retryAfterSeconds)
                                .truncatedTo(ChronoUnit.SECONDS)
                                .toString());
            }
        }
    }

    /** Writes this error straight to the response (used by web filters). */
    public Mono<Void> write(ServerHttpResponse response) {
        response.setStatusCode(HttpStatusCode.valueOf(status));
        applyHeaders(response.getHeaders());
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(
                Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }

    /** This error as a functional-endpoint response. */
    public Mono<ServerResponse> toResponse() {
        return ServerResponse.status(status).headers(this::applyHeaders).bodyValue(body);
    }

    private static String mask(String key) {
        if (key.length() <= 8) {
            return key.substring(0, Math.min(3, key.length())) + "***";
        }
        return key.substring(0, 3) + "*".repeat(Math.min(key.length() - 7, 20)) + key.substring(key.length() - 4);
    }
}
