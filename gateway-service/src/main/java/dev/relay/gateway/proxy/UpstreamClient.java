package dev.relay.gateway.proxy;

import dev.relay.contracts.Protocol;
import dev.relay.gateway.routing.ChannelRoute;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Calls upstream channels over a pooled Reactor Netty client (HTTP/1.1 keep-alive; HTTP/2 negotiated by ALPN on
 * TLS). Injects the channel's credential per protocol and never forwards anything of the client's own credentials.
 */
public class UpstreamClient {

    /** The upstream's status line and headers, emitted before any body bytes. */
    public record Head(int status, HttpHeaders headers) {}

    private final HttpClient plain;
    private final HttpClient tls;
    private final ConnectionProvider provider;
    private final Map<Duration, HttpClient> plainByConnectTimeout = new ConcurrentHashMap<>();
    private final Map<Duration, HttpClient> tlsByConnectTimeout = new ConcurrentHashMap<>();

    public UpstreamClient(int maxConnections, Duration acquireTimeout, Duration maxIdle) {
        this.provider = ConnectionProvider.builder("relay-upstream")
                .maxConnections(maxConnections)
                .pendingAcquireMaxCount(maxConnections * 4)
                .pendingAcquireTimeout(acquireTimeout)
                .maxIdleTime(maxIdle)
                .evictInBackground(Duration.ofSeconds(30))
                .build();
        HttpClient base = HttpClient.create(provider).keepAlive(true).compress(false);
        this.plain = base.protocol(HttpProtocol.HTTP11);
        this.tls = base.protocol(HttpProtocol.HTTP11, HttpProtocol.H2).secure();
    }

    /**
     * POSTs {@code body} to {@code <apiBase><path>}; the returned flux emits one {@link Head} then the body chunks.
     * Cancelling it closes the upstream request.
     */
    public Flux<Object> post(
            ChannelRoute channel, String path, byte[] body, boolean stream, Map<String, String> requestHeaders) {
        String url = channel.apiBase() + path;
        HttpClient client = url.startsWith("https:") ? tls : plain;
        if (channel.connectTimeout() != null) {
            client = withConnectTimeout(client, channel.connectTimeout());
        }
        // headers are set on the request itself: HttpClient.headers(...) would copy the client's whole configuration
        // once more for every request
        return client.post()
                .uri(url)
                .send((req, out) -> {
                    HttpHeaders h = req.requestHeaders();
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    h.set(HttpHeaderNames.ACCEPT, stream ? "text/event-stream" : "application/json");
                    h.set(HttpHeaderNames.USER_AGENT, "relay-gateway/0.1");
                    h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    for (Map.Entry<String, String> e : requestHeaders.entrySet()) {
                        h.set(e.getKey(), e.getValue());
                    }
                    if (channel.protocol() == Protocol.ANTHROPIC) {
                        h.set("x-api-key", channel.credential());
                        if (!h.contains("anthropic-version")) {
                            h.set("anthropic-version", "2023-06-01");
                        }
                    } else {
                        h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + channel.credential());
                    }
                    for (Map.Entry<String, String> e : channel.extraHeaders().entrySet()) {
                        h.set(e.getKey(), e.getValue());
                    }
                    return out.sendByteArray(Mono.just(body));
                })
                .response((resp, bytes) -> Flux.<Object>just(
                                new Head(resp.status().code(), resp.responseHeaders()))
                        .concatWith(bytes.asByteArray()));
    }

    /** One client per distinct connect timeout (channels share a handful), built once instead of per request. */
    private HttpClient withConnectTimeout(HttpClient client, Duration timeout) {
        Map<Duration, HttpClient> cache = client == tls ? tlsByConnectTimeout : plainByConnectTimeout;
        HttpClient c = cache.get(timeout);
        if (c == null) {
            c = client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis());
            if (cache.size() < 64) { // operator-chosen values, a handful in practice; bounded all the same
                cache.putIfAbsent(timeout, c);
            }
        }
        return c;
    }

    public void dispose() {
        provider.disposeLater().block(Duration.ofSeconds(5));
    }
}
