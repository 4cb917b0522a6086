package dev.relay.access.confirmation;

import dev.relay.contracts.FailureClass;
import dev.relay.contracts.ProbeCall;
import dev.relay.contracts.UpstreamErrors;
import dev.relay.contracts.UrlGuard;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP calls of a confirmation: through the edge's client-facing URL (as a client would make them), and the same
 * call made directly to the upstream once the window closes (through the URL guard). Each call becomes evidence: the
 * method, the path (no host, no query), the status, the latency and a redacted preview of the answer.
 */
public final class Calls {

    /** One call's answer: its evidence, the status (null: no answer), the error code the body names, the body. */
    public record Answer(
            ProbeCall evidence,
            Integer status,
            String errorCode,
            JsonNode body,
            FailureClass transport,
            UpstreamErrors.UpstreamAnswer raw) {

        /** Empty when the answer is a 2xx of the expected shape, else what is wrong (transport failures included). */
        public java.util.Optional<UpstreamErrors.UpstreamFailure> failure(UpstreamErrors.Expect expect) {
            if (raw == null) {
                return java.util.Optional.of(
                        new UpstreamErrors.UpstreamFailure(transport, null, evidence.preview(), null, null));
            }
            return UpstreamErrors.classify(raw, expect);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Calls.class);

    private final HttpClient http;
    private final UrlGuard guard;
    private final Duration timeout;

    public Calls(HttpClient http, UrlGuard guard, Duration timeout) {
        this.http = http;
        this.guard = guard;
        this.timeout = timeout;
    }

    /** A call to the edge (a trusted, operator-registered host: no URL guard). */
    public Answer edge(String baseUrl, String method, String path, JsonNode body, Map<String, String> headers) {
        return call(URI.create(baseUrl + path), method, path, body, headers);
    }

    /** A call straight to the upstream, refused without a request when the guard does not allow the address. */
    public Answer direct(URI url, String method, JsonNode body, Map<String, String> headers) {
        String path = url.getRawPath();
        UrlGuard.Decision d = guard.check(url);
        if (!d.allowed()) {
            return new Answer(
                    new ProbeCall(method, path, null, 0, "not called: " + d.reason()),
                    null,
                    null,
                    null,
                    FailureClass.URL_NOT_ALLOWED,
                    null);
        }
        return call(url, method, path, body, headers);
    }

    private Answer call(URI uri, String method, String path, JsonNode body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        // a request id of our own: the edge answers with it and logs it, so a call is found on both sides
        String requestId = "conf_" + java.util.UUID.randomUUID().toString().replace("-", "");
        b.header("x-request-id", requestId);
        long start = System.nanoTime();
        HttpResponse<byte[]> res;
        try {
            res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            if (e instanceof java.net.http.HttpTimeoutException) {
                log.warn("{} {} ({}) got no answer within {} ms", method, path, requestId, ms);
            }
            UpstreamErrors.UpstreamFailure f = UpstreamErrors.classify(e);
            String detail = e instanceof java.net.http.HttpTimeoutException
                    ? f.detail() + " (x-request-id " + requestId + ")"
                    : f.detail();
            return new Answer(new ProbeCall(method, path, null, ms, detail), null, null, null, f.failureClass(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        JsonNode parsed = null;
        try {
            parsed = res.body().length == 0 ? null : JSON.readTree(res.body());
        } catch (RuntimeException notJson) {
            // evidence keeps the preview
        }
        String code = null;
        if (parsed != null && parsed.path("error").isObject()) {
            JsonNode err = parsed.path("error");
            code = err.path("code").isString()
                    ? err.path("code").asString()
                    : err.path("type").isString() ? err.path("type").asString() : null;
        }
        return new Answer(
                new ProbeCall(method, path, res.statusCode(), ms, UpstreamErrors.preview(res.body())),
                res.statusCode(),
                code,
                parsed,
                null,
                new UpstreamErrors.UpstreamAnswer(
                        res.statusCode(),
                        res.headers().firstValue("Content-Type").orElse(null),
                        res.headers().firstValue("Retry-After").orElse(null),
                        res.body(),
                        java.time.Instant.now()));
    }
}
