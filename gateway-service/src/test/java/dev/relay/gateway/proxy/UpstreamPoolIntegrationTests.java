package dev.relay.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.gateway.GatewayIntegrationSupport;
import dev.relay.gateway.health.ChannelHealth;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The gateway's own upstream connection pool running dry is a local overload, not an upstream failure: the client gets
 * a 503 {@code gateway_overloaded} quickly, and the channel keeps its health (before, a pool-acquire timeout was
 * classified as an upstream TIMEOUT and cooled healthy channels down for minutes).
 */
@TestPropertySource(
        properties = {"relay.gateway.proxy.max-connections=1", "relay.gateway.proxy.pool-acquire-timeout=300ms"})
class UpstreamPoolIntegrationTests extends GatewayIntegrationSupport {

    @Autowired
    ChannelHealth health;

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    @Test
    void answers503WithoutPenalisingTheChannelWhenTheLocalPoolIsExhausted() throws Exception {
        String held = uniqueModel();
        String model = uniqueModel();
        String sc = scenario();
        newChannel(held, "sim-gpt-4o", "sk-up-pool-1", 0, Map.of("x-sim-scenario-id", sc, "x-sim-behavior", "hang"));
        String healthy = newChannel(model, "sim-gpt-4o", "sk-up-pool-2", 0, Map.of());
        String key = newClientKey();
        awaitModelVisible(key, held);
        awaitModelVisible(key, model);

        byte[] body = chat(held, true).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            // the hanging request now holds the only upstream connection to the simulator
            await().atMost(Duration.ofSeconds(5)).until(() -> simRequests(sc).size() == 1);

            HttpResponse<String> r = post("/v1/chat/completions", key, chat(model, false));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(json(r.body()).at("/error/code").asString()).isEqualTo("gateway_overloaded");
            assertThat(r.headers().firstValue("retry-after")).hasValue("1");
            assertThat(health.available(healthy)).isTrue();
            assertThat(health.cooldownUntil(healthy)).isNull();
        }
        // the client of the hanging request went away: its upstream connection is released
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(post("/v1/chat/completions", key, chat(model, false))
                                .statusCode())
                        .isEqualTo(200));
    }
}
