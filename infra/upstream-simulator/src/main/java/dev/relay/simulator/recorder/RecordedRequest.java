package dev.relay.simulator.recorder;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One received API request as the simulator saw it. Everything but the outcome is fixed at arrival; the body is kept as
 * bytes and only decoded when queried. Credentials are kept on purpose: this is a test tool.
 */
public final class RecordedRequest {

    /** How the exchange ended, as far as the server can tell. */
    public enum Outcome {
        /** Still running (e.g. a hang or a slow stream). */
        PENDING,
        /** The response was written completely. */
        COMPLETED,
        /** The client went away (or cancelled) before the response was complete. */
        CANCELLED,
        /** The response ended in an error, e.g. a simulated connection drop. */
        FAILED
    }

    private final long sequence;
    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final long receivedAtMillis;
    private final String scenarioId;
    private volatile int status;
    private volatile Outcome outcome = Outcome.PENDING;
    private volatile String error;

    RecordedRequest(
            long sequence,
            String method,
            String path,
            String query,
            Map<String, List<String>> headers,
            byte[] body,
            long receivedAtMillis,
            String scenarioId) {
        this.sequence = sequence;
        this.method = method;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.body = body;
        this.receivedAtMillis = receivedAtMillis;
        this.scenarioId = scenarioId;
    }

    public long sequence() {
        return sequence;
    }

    public String scenarioId() {
        return scenarioId;
    }

    void status(int value) {
        status = value;
    }

    synchronized void completed() {
        if (outcome == Outcome.PENDING) {
            outcome = Outcome.COMPLETED;
        }
    }

    synchronized void cancelled() {
        if (outcome == Outcome.PENDING) {
            outcome = Outcome.CANCELLED;
        }
    }

    synchronized void failed(Throwable cause) {
        if (outcome == Outcome.PENDING) {
            error = cause.toString();
            outcome = Outcome.FAILED;
        }
    }

    public View view() {
        Outcome current = outcome;
        return new View(
                sequence,
                method,
                path,
                query,
                headers,
                new String(body, StandardCharsets.UTF_8),
                Instant.ofEpochMilli(receivedAtMillis).toString(),
                scenarioId,
                status,
                current.name().toLowerCase(Locale.ROOT),
                current == Outcome.CANCELLED,
                error);
    }

    /**
     * The JSON form served by {@code /_sim/requests}.
     *
     * @param sequence arrival number since start (also in the {@code x-request-id} response header)
     * @param method HTTP method
     * @param path request path as received (under a vendor base path, e.g. {@code /compatible-mode/v1/...}, that one)
     * @param query raw query string, or null
     * @param headers request headers, names lower-cased, values as received (credentials included)
     * @param body the body as UTF-8 text
     * @param receivedAt ISO-8601 arrival time
     * @param scenarioId {@code x-sim-scenario-id}, or null
     * @param status response status once committed, else 0
     * @param outcome {@code pending}, {@code completed}, {@code cancelled} or {@code failed}
     * @param cancelled whether the client cancelled / disconnected before the response completed
     * @param error the failure, when {@code outcome} is {@code failed}
     */
    public record View(
            long sequence,
            String method,
            String path,
            String query,
            Map<String, List<String>> headers,
            String body,
            String receivedAt,
            String scenarioId,
            int status,
            String outcome,
            boolean cancelled,
            String error) {}
}
