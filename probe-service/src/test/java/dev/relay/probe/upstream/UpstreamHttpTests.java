package dev.relay.probe.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.relay.contracts.UrlGuard;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guarded client end to end, on loopback only: an allow-listed local server that redirects to an address the
 * guard refuses (PostgreSQL's port, Redis by name) is not followed; a redirect to an allowed address is, within the
 * hop limit. Nothing here resolves or connects beyond 127.0.0.1.
 */
class UpstreamHttpTests {

    HttpServer server;
    int port;
    final AtomicInteger hits = new AtomicInteger();

    /** Resolves only loopback names, as the system resolver would: "localhost" and IP literals. */
    static final UrlGuard.Resolver LOOPBACK_ONLY = host -> {
        if (host.equals("localhost")) {
            return List.of(InetAddress.getByName("127.0.0.1"));
        }
        if (!host.matches("[0-9.]+")) {
            throw new java.net.UnknownHostException(host);
        }
        return List.of(InetAddress.getByName(host));
    };

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        port = server.getAddress().getPort();
        server.createContext("/to-postgres", x -> redirect(x, "http://127.0.0.1:5432/v1/models"));
        server.createContext("/to-redis", x -> redirect(x, "http://localhost:6379/"));
        server.createContext("/to-ok", x -> redirect(x, "/ok"));
        server.createContext("/loop", x -> redirect(x, "/loop"));
        server.createContext("/ok", x -> {
            hits.incrementAndGet();
            byte[] b = "{\"data\":[]}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.start();
    }

    private static void redirect(com.sun.net.httpserver.HttpExchange x, String location) throws java.io.IOException {
        x.getResponseHeaders().add("Location", location);
        x.sendResponseHeaders(302, -1);
        x.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private UpstreamHttp client() {
        return new UpstreamHttp(new UrlGuard("127.0.0.1:" + port, LOOPBACK_ONLY), Duration.ofSeconds(2), 4);
    }

    @Test
    void neverFollowsARedirectToAnotherOriginSoTheKeyIsNotSentThere() throws Exception {
        UpstreamHttp.Response toPostgres = client().send(
                        "GET",
                        URI.create("http://127.0.0.1:" + port + "/to-postgres"),
                        Map.of("Authorization", "Bearer sk-secret"),
                        null,
                        Duration.ofSeconds(2));
        assertThat(toPostgres.status()).as("the redirect is the answer").isEqualTo(302);
        UpstreamHttp.Response toRedis = client().send(
                        "GET",
                        URI.create("http://127.0.0.1:" + port + "/to-redis"),
                        Map.of(),
                        null,
                        Duration.ofSeconds(2));
        assertThat(toRedis.status()).isEqualTo(302);
    }

    @Test
    void checksTheGuardAgainOnEveryRedirectSoAChangedDnsAnswerIsRefused() {
        // "localhost" first resolves to the allow-listed loopback address, then (rebinding) to a private one
        AtomicInteger lookups = new AtomicInteger();
        UrlGuard.Resolver rebinding = host -> List.of(InetAddress.getByName(
                host.equals("localhost") && lookups.incrementAndGet() > 1 ? "10.1.2.3" : "127.0.0.1"));
        UpstreamHttp http = new UpstreamHttp(new UrlGuard("127.0.0.1:" + port, rebinding), Duration.ofSeconds(2), 4);
        assertThatThrownBy(() -> http.send(
                        "GET",
                        URI.create("http://localhost:" + port + "/to-ok"),
                        Map.of(),
                        null,
                        Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(UpstreamHttp.NoAnswer.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamHttp.NoAnswer.Kind.REFUSED);
                    assertThat(e.resolvedAddress()).isEqualTo("10.1.2.3");
                    assertThat(e.getMessage()).contains("private");
                });
        assertThat(hits.get()).as("the redirect target was never called").isZero();
    }

    @Test
    void refusesTheFirstUrlWhenItIsNotAllowedWithoutConnecting() {
        assertThatThrownBy(() -> client().send(
                                "GET",
                                URI.create("http://localhost:6379/v1/models"),
                                Map.of(),
                                null,
                                Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(
                        UpstreamHttp.NoAnswer.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamHttp.NoAnswer.Kind.REFUSED));
    }

    @Test
    void followsAnAllowedRedirectAndStopsAtTheHopLimit() throws Exception {
        UpstreamHttp.Response r = client().send(
                        "GET",
                        URI.create("http://127.0.0.1:" + port + "/to-ok"),
                        Map.of(),
                        null,
                        Duration.ofSeconds(2));
        assertThat(r.status()).isEqualTo(200);
        assertThat(hits.get()).isEqualTo(1);
        UpstreamHttp.Response loop = client().send(
                        "GET", URI.create("http://127.0.0.1:" + port + "/loop"), Map.of(), null, Duration.ofSeconds(2));
        assertThat(loop.status())
                .as("after " + UpstreamHttp.MAX_REDIRECTS + " hops the 302 is the answer")
                .isEqualTo(302);
    }
}
