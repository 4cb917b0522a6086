package dev.relay.contracts.edge;

/**
 * An admin API call failed: the HTTP status (0 when the host did not answer), the edge's error {@code code} when it
 * sent one, and whether a later attempt may succeed (no answer, 5xx, 429, a version race) or the request itself is
 * wrong (other 4xx).
 */
public class EdgeAdminException extends RuntimeException {

    private final int status;
    private final String code;

    public EdgeAdminException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return status == 0 || status >= 500 || status == 429 || status == 412 || status == 408;
    }
}
