package dev.relay.gateway.proxy;

import dev.relay.contracts.Protocol;
import dev.relay.gateway.routing.ChannelRoute;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Calls upstream channels over a pooled Reactor Netty client (HTTP/1.1 keep-alive; HTTP/2 negotiated by ALPN on
 * TLS). Injects the channel's credential per protocol and never forwards anything of the client's own credentials.
 */
public class UpstreamClient {

    /** The upstream's status line and headers, emitted before any body bytes. */
    public record Head(int status, HttpHeaders headers) {}

    /**
     * Below this many connections per event loop the pool is not split per loop, so a small configured limit stays
     * exact (a split limit of 1 per loop would allow one connection per loop).
     */
    static final int MIN_CONNECTIONS_PER_LANE = 64;

    private static final int MAX_LANES = 64;

    private final Duration acquireTimeout;
    private final Duration maxIdle;
    private final int laneConnections;
    private final Lane shared;
    private final Map<EventExecutor, Lane> lanes = new ConcurrentHashMap<>();

    /**
     * One connection pool with its clients. The edge keeps one per I/O event loop (as Envoy keeps connection pools per
     * worker): a request that arrived on loop L is relayed over a connection owned by L, so reading the upstream and
     * writing the client happen on one thread, with no hand-off between loops per chunk. Reactor Netty's pool alone
     * hands out any idle connection, which lives on the other loop about half the time.
     */
    private static final class Lane {
        final ConnectionProvider provider;
        final HttpClient plain;
        final HttpClient tls;
        final Map<Duration, HttpClient> plainByConnectTimeout = new ConcurrentHashMap<>();
        final Map<Duration, HttpClient> tlsByConnectTimeout = new ConcurrentHashMap<>();

        Lane(String name, int maxConnections, Duration acquireTimeout, Duration maxIdle) {
            this.provider = ConnectionProvider.builder(name)
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

        HttpClient client(boolean https, Duration connectTimeout) {
            HttpClient client = https ? tls : plain;
            return connectTimeout == null ? client : withConnectTimeout(client, connectTimeout);
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
    }

    /**
     * @param maxConnections upstream connections per upstream address; split evenly over the I/O event loops
     *     ({@code reactor.netty.ioWorkerCount}) unless that leaves fewer than {@value #MIN_CONNECTIONS_PER_LANE} per
     *     loop, in which case one pool is shared by all loops
     */
    public UpstreamClient(int maxConnections, Duration acquireTimeout, Duration maxIdle) {
        this(maxConnections, acquireTimeout, maxIdle, LoopResources.DEFAULT_IO_WORKER_COUNT);
    }

    UpstreamClient(int maxConnections, Duration acquireTimeout, Duration maxIdle, int loops) {
        this.acquireTimeout = acquireTimeout;
        this.maxIdle = maxIdle;
        int perLoop = maxConnections / Math.max(1, loops);
        this.laneConnections = loops > 1 && perLoop >= MIN_CONNECTIONS_PER_LANE ? perLoop : 0;
        this.shared = new Lane("relay-upstream", maxConnections, acquireTimeout, maxIdle);
    }

    /** Whether requests are relayed over per-event-loop pools (see {@link Lane}). */
    public boolean perLoopPools() {
        return laneConnections > 0;
    }

    /**
     * The lane of the calling thread: its event loop's pool when called on an I/O event loop (a request being
     * relayed; new connections of that pool are created on the same loop, since the client's loops are the server's
     * colocated), else the shared pool (e.g. a fallback started by a timer).
     */
    private Lane lane() {
        if (laneConnections == 0) {
            return shared;
        }
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        if (loop == null) {
            return shared;
        }
        Lane lane = lanes.get(loop);
        if (lane == null) {
            lane = lanes.computeIfAbsent(
                    loop,
                    l -> lanes.size() >= MAX_LANES
                            ? shared
                            : new Lane("relay-upstream-" + lanes.size(), laneConnections, acquireTimeout, maxIdle));
        }
        return lane;
    }

    /**
     * POSTs {@code body} to {@code <apiBase><path>}; the returned flux emits one {@link Head} then the body chunks.
     * Cancelling it closes the upstream request.
     */
    public Flux<Object> post(
            ChannelRoute channel, String path, byte[] body, boolean stream, Map<String, String> requestHeaders) {
        String url = channel.apiBase() + path;
        HttpClient client = lane().client(url.startsWith("https:"), channel.connectTimeout());
        // headers are set on the request itself: HttpClient.headers(...) would copy the client's whole configuration
        // once more for every request
        return ContextBarrier.on(client.post()
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
                        .concatWith(bytes.asByteArray())));
    }

    public void dispose() {
        for (Lane lane : lanes.values()) {
            if (lane != shared) {
                lane.provider.disposeLater().block(Duration.ofSeconds(5));
            }
        }
        shared.provider.disposeLater().block(Duration.ofSeconds(5));
    }
}
