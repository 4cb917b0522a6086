package dev.relay.probe.upstream;

import dev.relay.contracts.UrlGuard;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The only way probe-service reaches an upstream: every URL — the first and every redirect target — passes the {@link
 * UrlGuard} after DNS resolution; the JDK client never follows redirects itself; at most {@code perHost} calls run at
 * once to one upstream host. Bodies are read up to a bound (a probe never needs more).
 */
public class UpstreamHttp {

    static final int MAX_REDIRECTS = 3;
    static final int MAX_BODY_BYTES = 256 * 1024;

    /** An answer (status, headers, bounded body) and how long it took, or why there was none. */
    public record Response(int status, Map<String, java.util.List<String>> headers, byte[] body, long latencyMillis) {
        public String header(String name) {
            for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().getFirst();
                }
            }
            return null;
        }
    }

    /** No answer: refused by the guard, unreachable, or timed out. */
    public static final class NoAnswer extends Exception {
        public enum Kind {
            REFUSED,
            UNREACHABLE,
            TIMEOUT
        }

        private final Kind kind;
        private final String resolvedAddress;
        private final long latencyMillis;

        NoAnswer(Kind kind, String message, String resolvedAddress, long latencyMillis) {
            super(message);
            this.kind = kind;
            this.resolvedAddress = resolvedAddress;
            this.latencyMillis = latencyMillis;
        }

        public Kind kind() {
            return kind;
        }

        public String resolvedAddress() {
            return resolvedAddress;
        }

        public long latencyMillis() {
            return latencyMillis;
        }
    }

    private final UrlGuard guard;
    private final HttpClient client;
    private final int perHost;
    private final Map<String, Semaphore> hosts = new ConcurrentHashMap<>();

    public UpstreamHttp(UrlGuard guard, Duration connectTimeout, int perHost) {
        // the operator's Host override (an upstream behind a CDN) is an extra header the JDK refuses by default
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        this.guard = guard;
        this.perHost = perHost;
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public Response send(String method, URI url, Map<String, String> headers, byte[] body, Duration timeout)
            throws NoAnswer {
        long start = System.nanoTime();
        URI current = url;
        for (int hop = 0; ; hop++) {
            UrlGuard.Decision d = guard.check(current);
            if (!d.allowed()) {
                throw new NoAnswer(NoAnswer.Kind.REFUSED, d.reason(), d.resolvedAddress(), ms(start));
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(current)
                    .timeout(timeout)
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(b::header);
            Semaphore s =
                    hosts.computeIfAbsent(current.getHost() + ":" + current.getPort(), k -> new Semaphore(perHost));
            HttpResponse<java.io.InputStream> r;
            byte[] bytes;
            try {
                s.acquire();
                try {
                    r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                    try (java.io.InputStream in = r.body()) {
                        bytes = in.readNBytes(MAX_BODY_BYTES); // a probe never needs more; the rest is not read
                    }
                } finally {
                    s.release();
                }
            } catch (HttpConnectTimeoutException e) {
                throw new NoAnswer(NoAnswer.Kind.TIMEOUT, "connect timed out", d.resolvedAddress(), ms(start));
            } catch (HttpTimeoutException e) {
                throw new NoAnswer(
                        NoAnswer.Kind.TIMEOUT,
                        "no answer within " + timeout.toMillis() + " ms",
                        d.resolvedAddress(),
                        ms(start));
            } catch (ConnectException e) {
                throw new NoAnswer(NoAnswer.Kind.UNREACHABLE, "connection refused", d.resolvedAddress(), ms(start));
            } catch (IOException e) {
                throw new NoAnswer(
                        NoAnswer.Kind.UNREACHABLE,
                        "connection failed: " + e.getClass().getSimpleName(),
                        d.resolvedAddress(),
                        ms(start));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NoAnswer(NoAnswer.Kind.TIMEOUT, "interrupted", d.resolvedAddress(), ms(start));
            }
            int status = r.statusCode();
            String location = r.headers().firstValue("location").orElse(null);
            if (status >= 300 && status < 400 && location != null && hop < MAX_REDIRECTS) {
                current = current.resolve(location);
                if (status == 303) {
                    method = "GET";
                    body = null;
                }
                continue;
            }
            return new Response(status, r.headers().map(), bytes, ms(start));
        }
    }

    private static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
