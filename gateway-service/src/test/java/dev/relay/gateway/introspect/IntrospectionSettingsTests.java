package dev.relay.gateway.introspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.gateway.admin.AdminException;
import dev.relay.gateway.config.ConfigException;
import dev.relay.gateway.config.ReplicaId;
import dev.relay.gateway.health.ChannelHealth;
import dev.relay.gateway.health.HealthEvents;
import dev.relay.gateway.proxy.ProxyProperties;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.routing.RoutingSnapshot;
import dev.relay.gateway.routing.SnapshotHolder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which setting names are secrets in {@code /internal/effective-config}; the debug ring's body-capture setting and
 * {@code /internal/debug/capture} (metadata only unless an operator turns capture on, per key or globally, with an
 * expiry).
 */
class IntrospectionSettingsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private final DebugRecorderTests.MutableClock clock = new DebugRecorderTests.MutableClock(T0);
    private final DebugRecorder debug = new DebugRecorder(10, 1024, clock, false);
    private final IntrospectionController controller = controller(debug);

    private IntrospectionController controller(DebugRecorder recorder) {
        SnapshotHolder snapshots = new SnapshotHolder();
        snapshots.install(new RoutingSnapshot(
                1,
                List.of(),
                List.of(),
                Map.of(
                        "h1", new ClientKeyEntry("key-1", "one", "g", true, null, null, null),
                        "h2", new ClientKeyEntry("key-2", "two", "g", true, null, null, null))));
        return new IntrospectionController(
                snapshots,
                new ChannelHealth(clock, ChannelHealth.Settings.DEFAULTS, HealthEvents.NONE, "gw-test"),
                recorder,
                new StandardEnvironment(),
                new ReplicaId("gw-test"));
    }

    @Test
    void treatsCredentialsKeysAndJaasConfigsAsSecrets() {
        assertThat(IntrospectionController.secret("relay.gateway.admin-token")).isTrue();
        assertThat(IntrospectionController.secret("relay.gateway.master-key")).isTrue();
        assertThat(IntrospectionController.secret("spring.datasource.password")).isTrue();
        assertThat(IntrospectionController.secret("spring.kafka.properties.sasl.jaas.config"))
                .isTrue();
        assertThat(IntrospectionController.secret("spring.kafka.properties.basic.auth.user.info"))
                .isTrue();
        assertThat(IntrospectionController.secret("spring.kafka.ssl.key-store-password"))
                .isTrue();
    }

    @Test
    void showsOrdinarySettings() {
        assertThat(IntrospectionController.secret("relay.gateway.master-key-id"))
                .isFalse();
        assertThat(IntrospectionController.secret("relay.gateway.proxy.default-max-tokens"))
                .isFalse();
        assertThat(IntrospectionController.secret("relay.gateway.proxy.max-body-bytes"))
                .isFalse();
        assertThat(IntrospectionController.secret("relay.gateway.proxy.debug-capture-bodies"))
                .isFalse();
        assertThat(IntrospectionController.secret("spring.kafka.consumer.key-deserializer"))
                .isFalse();
        assertThat(IntrospectionController.secret("spring.kafka.producer.key-serializer"))
                .isFalse();
        assertThat(IntrospectionController.secret("spring.datasource.url")).isFalse();
    }

    @Test
    void bodyCaptureIsOffByDefault() {
        ProxyProperties defaults = new ProxyProperties(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(defaults.debugCaptureBodies()).isFalse();
        assertThat(defaults.debugCapacity()).isPositive();
        assertThat(json(controller.captures().getBody()).get("data")).isEmpty();
    }

    @Test
    void theRingShowsBodiesOnlyForTheCapturedKeyAndOnlyUntilTheCaptureEnds() {
        debug.record(entry("before", "key-1"));
        JsonNode put = json(controller
                .capture(put(), body("{\"scope\":\"key\",\"keyId\":\"key-1\",\"minutes\":10}"))
                .getBody());
        assertThat(put.get("scope").asString()).isEqualTo("key");
        assertThat(put.get("keyId").asString()).isEqualTo("key-1");
        assertThat(put.get("until").asString()).isEqualTo(T0.plusSeconds(600).toString());
        assertThat(put.get("replicaId").asString()).isEqualTo("gw-test");
        debug.record(entry("captured", "key-1"));
        debug.record(entry("other", "key-2"));
        clock.advance(Duration.ofMinutes(10));
        debug.record(entry("expired", "key-1"));

        JsonNode ring = json(controller.debugRequests(10).getBody());
        assertThat(ring.get("bodyCapture")).as("expired: no capture left").isEmpty();
        assertThat(entry(ring, "before").get("requestBody").isNull()).isTrue();
        assertThat(entry(ring, "before").get("requestBytes").asInt()).isPositive();
        assertThat(entry(ring, "captured").at("/requestBody/messages/0/content").asString())
                .isEqualTo("the prompt");
        assertThat(entry(ring, "captured")
                        .at("/responseBody/choices/0/message/content")
                        .asString())
                .isEqualTo("the reply");
        assertThat(entry(ring, "other").get("requestBody").isNull()).isTrue();
        assertThat(entry(ring, "other").get("responseBody").isNull()).isTrue();
        assertThat(entry(ring, "expired").get("requestBody").isNull()).isTrue();
        assertThat(entry(ring, "expired").get("responseBody").isNull()).isTrue();
    }

    @Test
    void putsShowsAndDeletesCaptures() {
        controller.capture(put(), body("{\"scope\":\"global\",\"until\":\"" + T0.plusSeconds(3600) + "\"}"));
        controller.capture(put(), body("{\"scope\":\"key\",\"keyId\":\"key-2\",\"minutes\":1440}"));
        JsonNode state = json(controller.captures().getBody());
        assertThat(state.get("replicaId").asString()).isEqualTo("gw-test");
        assertThat(state.get("maxMinutes").asInt()).isEqualTo(1440);
        assertThat(state.get("data").findValuesAsString("scope")).containsExactly("global", "key");
        assertThat(state.at("/data/0/keyId").isNull()).isTrue();
        assertThat(state.at("/data/0/until").asString())
                .isEqualTo(T0.plusSeconds(3600).toString());
        assertThat(state.at("/data/1/keyId").asString()).isEqualTo("key-2");

        JsonNode afterGlobal = json(controller.stopCapture("global", null).getBody());
        assertThat(afterGlobal.get("data").findValuesAsString("scope")).containsExactly("key");
        controller.capture(put(), body("{\"scope\":\"global\",\"minutes\":5}"));
        assertThat(json(controller.stopCapture(null, "key-2").getBody())
                        .get("data")
                        .findValuesAsString("scope"))
                .containsExactly("global");
        controller.capture(put(), body("{\"scope\":\"key\",\"keyId\":\"key-1\",\"minutes\":5}"));
        assertThat(json(controller.stopCapture(null, null).getBody()).get("data"))
                .isEmpty();
    }

    @Test
    void refusesInvalidCaptures() {
        assertInvalid("{\"scope\":\"key\",\"minutes\":5}", "keyId");
        assertInvalid("{\"scope\":\"global\",\"keyId\":\"key-1\",\"minutes\":5}", "keyId");
        assertInvalid("{\"scope\":\"everything\",\"minutes\":5}", "scope");
        assertInvalid("{\"minutes\":5}", "scope");
        assertInvalid("{\"scope\":\"global\"}", "minutes");
        assertInvalid("{\"scope\":\"global\",\"minutes\":5,\"until\":\"" + T0.plusSeconds(60) + "\"}", "until");
        assertInvalid("{\"scope\":\"global\",\"minutes\":0}", "minutes");
        assertInvalid("{\"scope\":\"global\",\"minutes\":1441}", "minutes");
        assertInvalid("{\"scope\":\"global\",\"minutes\":\"5\"}", "minutes");
        assertInvalid("{\"scope\":\"global\",\"until\":\"" + T0.plus(Duration.ofHours(25)) + "\"}", "until");
        assertInvalid("{\"scope\":\"global\",\"until\":\"" + T0.minusSeconds(1) + "\"}", "until");
        assertInvalid("{\"scope\":\"global\",\"until\":\"tomorrow\"}", "until");
        assertInvalid("{\"scope\":\"global\",\"minutes\":5,\"forever\":true}", "forever");
        assertThatThrownBy(
                        () -> controller.capture(put(), body("{\"scope\":\"key\",\"keyId\":\"nope\",\"minutes\":5}")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(ConfigException.Reason.NOT_FOUND));
        assertThatThrownBy(() -> controller.capture(put(), body("[]"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> controller.capture(put(), null)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> controller.capture(
                        MockServerHttpRequest.put("/internal/debug/capture")
                                .contentType(MediaType.TEXT_PLAIN)
                                .build(),
                        body("{\"scope\":\"global\",\"minutes\":5}")))
                .isInstanceOf(AdminException.class);
        assertThatThrownBy(() -> controller.stopCapture("key", null)).isInstanceOf(ConfigException.class);
        assertThat(debug.captures()).isEmpty();

        IntrospectionController off = controller(DebugRecorder.DISABLED);
        assertThatThrownBy(() -> off.capture(put(), body("{\"scope\":\"global\",\"minutes\":5}")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(ConfigException.Reason.CONFLICT));
    }

    private void assertInvalid(String body, String param) {
        assertThatThrownBy(() -> controller.capture(put(), body(body)))
                .as(body)
                .isInstanceOfSatisfying(ConfigException.class, ex -> {
                    assertThat(ex.reason()).isEqualTo(ConfigException.Reason.INVALID);
                    assertThat(ex.param()).isEqualTo(param);
                });
    }

    private static MockServerHttpRequest put() {
        return MockServerHttpRequest.put("/internal/debug/capture")
                .contentType(MediaType.APPLICATION_JSON)
                .build();
    }

    private static byte[] body(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] b) {
        return JSON.readTree(b);
    }

    private static JsonNode entry(JsonNode ring, String requestId) {
        for (JsonNode e : ring.get("data")) {
            if (e.get("requestId").asString().equals(requestId)) {
                return e;
            }
        }
        throw new AssertionError("no entry " + requestId + " in " + ring);
    }

    private DebugRecorder.Entry entry(String id, String keyId) {
        byte[] request = body("{\"messages\":[{\"role\":\"user\",\"content\":\"the prompt\"}]}");
        byte[] response = body("{\"choices\":[{\"message\":{\"content\":\"the reply\"}}]}");
        return new DebugRecorder.Entry(
                clock.instant(),
                id,
                "openai.chat",
                "POST",
                "/v1/chat/completions",
                new org.springframework.http.HttpHeaders(),
                keyId,
                "m",
                "ch",
                List.of("ch"),
                false,
                200,
                "ok",
                1,
                request,
                request.length,
                response,
                response.length);
    }
}
