package dev.relay.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.Protocol;
import dev.relay.gateway.routing.ChannelCapabilities;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ChannelStatus;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpResources;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A request relayed from an I/O event loop uses a pooled upstream connection owned by that same loop, so the upstream's
 * answer is read on the thread that writes the client's response (no hand-off between loops per chunk). With one pool
 * shared by all loops, a request from one loop reuses the idle connection another loop created.
 */
class UpstreamLanesTests {

    private DisposableServer upstream;
    private UpstreamClient client;

    @BeforeEach
    void start() {
        upstream = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((req, res) -> req.receive()
                        .then()
                        .then(res.header("content-type", "application/json")
                                .sendString(Mono.just("{\"ok\":true}"))
                                .then()))
                .bindNow();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.dispose();
        }
        upstream.disposeNow();
    }

    private ChannelRoute channel() {
        return new ChannelRoute(
                "ch-lanes",
                "lanes",
                Protocol.OPENAI,
                URI.create("http://127.0.0.1:" + upstream.port() + "/v1"),
                "sk-lanes",
                Set.of("m"),
                Map.of(),
                Set.of(),
                0,
                1,
                Map.of(),
                null,
                null,
                null,
                new ChannelCapabilities(true, true, true, true, true, true, true, true),
                null,
                ChannelStatus.ENABLED,
                1);
    }

    /** Relays one request from {@code loop}; answers the thread the upstream's answer was read on. */
    private Thread relayFrom(EventExecutor loop, ChannelRoute ch) throws Exception {
        CompletableFuture<Thread> readOn = new CompletableFuture<>();
        byte[] body = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        loop.execute(() -> client.post(ch, "/chat/completions", body, false, Map.of())
                .doOnNext(x -> readOn.complete(Thread.currentThread()))
                .then()
                .subscribe(null, readOn::completeExceptionally));
        return readOn.get(10, TimeUnit.SECONDS);
    }

    private static Thread threadOf(EventExecutor loop) throws Exception {
        CompletableFuture<Thread> t = new CompletableFuture<>();
        loop.execute(() -> t.complete(Thread.currentThread()));
        return t.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRequestIsRelayedOverAConnectionOfTheLoopItCameFrom() throws Exception {
        client = new UpstreamClient(10_000, Duration.ofSeconds(5), Duration.ofSeconds(55), 2);
        assertThat(client.perLoopPools()).isTrue();
        EventLoopGroup loops = HttpResources.get().onServer(LoopResources.DEFAULT_NATIVE);
        List<EventExecutor> executors = new ArrayList<>();
        loops.forEach(executors::add);
        assertThat(executors).hasSizeGreaterThan(1);
        ChannelRoute ch = channel();
        // alternate between the loops, one request at a time: a shared pool would hand each loop the idle connection
        // the previous request (from another loop) left behind
        for (int round = 0; round < 5; round++) {
            for (EventExecutor loop : executors) {
                assertThat(relayFrom(loop, ch)).isSameAs(threadOf(loop));
            }
        }
    }

    @Test
    void aSmallConnectionLimitKeepsOneSharedPoolSoTheLimitStaysExact() {
        client = new UpstreamClient(
                UpstreamClient.MIN_CONNECTIONS_PER_LANE, Duration.ofSeconds(5), Duration.ofSeconds(55), 2);
        assertThat(client.perLoopPools()).isFalse();
    }
}
