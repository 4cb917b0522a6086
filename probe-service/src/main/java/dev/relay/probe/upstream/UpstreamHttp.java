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
 * UrlGuard} after DNS resolution; the JDK client never follows redirects itself, and a redirect to another origin is not
 * followed at all (the request carries the upstream key: it must not be re-sent anywhere else); at most {@code perHost}
 * calls run at once to one upstream host. A body is read up to a bound and within the call's deadline (the JDK's
 * request timeout ends when the headers arrive; a trickling body is cut off by closing the stream).
 */
public class UpstreamHttp {

    static final int MAX_REDIRECTS = 3;
    /** Enough for the longest model lists (OpenRouter's runs to hundreds of KB); the rest is not read. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private static final java.util.concurrent.ScheduledExecutorService DEADLINES =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "upstream-read-deadline");
                t.setDaemon(true);
                return t;
            });

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
            HttpRequest.Builder b;
            try {
                b = HttpRequest.newBuilder(current)
                        .timeout(timeout)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body));
                headers.forEach(b::header);
            } catch (IllegalArgumentException e) {
                throw new NoAnswer(
                        NoAnswer.Kind.REFUSED,
                        "the request cannot be sent: " + e.getMessage(),
                        d.resolvedAddress(),
                        ms(start));
            }
            Semaphore s =
                    hosts.computeIfAbsent(current.getHost() + ":" + current.getPort(), k -> new Semaphore(perHost));
            HttpResponse<java.io.InputStream> r;
            byte[] bytes;
            try {
                s.acquire();
                try {
                    r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                    long left = Math.max(1, timeout.toMillis() - ms(start));
                    try (java.io.InputStream in = r.body()) {
                        var cut = DEADLINES.schedule(
                                () -> closeQuietly(in), left, java.util.concurrent.TimeUnit.MILLISECONDS);
                        try {
                            bytes = in.readNBytes(MAX_BODY_BYTES); // a probe never needs more; the rest is not read
                        } catch (IOException e) {
                            if (cut.isDone()) {
                                throw new HttpTimeoutException("the body did not arrive within the deadline");
                            }
                            throw e;
                        } finally {
                            cut.cancel(false);
                        }
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
                URI next;
                try {
                    next = current.resolve(location);
                } catch (IllegalArgumentException e) {
                    return new Response(status, r.headers().map(), bytes, ms(start)); // unreadable Location: the answer
                }
                if (!sameOrigin(current, next)) {
                    return new Response(status, r.headers().map(), bytes, ms(start)); // never re-send the key elsewhere
                }
                current = next;
                if (status == 303) {
                    method = "GET";
                    body = null;
                }
                continue;
            }
            return new Response(status, r.headers().map(), bytes, ms(start));
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme()))
                && a.getHost().equalsIgnoreCase(String.valueOf(b.getHost()))
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static void closeQuietly(java.io.InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is all that was asked
        }
    }

    private static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
