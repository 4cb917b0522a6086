package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.Topics;
import dev.relay.contracts.UsageRecorded;
import dev.relay.contracts.UsageRecorded.Purpose;
import dev.relay.gateway.health.ChannelHealth;
import dev.relay.gateway.metering.UsageTopicReader;
import dev.relay.gateway.routing.ChannelStatus;
import dev.relay.gateway.routing.SnapshotHolder;
import dev.relay.testsupport.RelayInfrastructure;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The control plane's channel pin: a request proven by the admin token ({@code x-admin-token}) with
 * {@code x-relay-channel} reaches that channel only, even in cooldown, is metered as a confirmation (or verification),
 * and its failures leave the channel's health alone. A client cannot pin.
 */
class ChannelPinIntegrationTests extends EdgeApiTestSupport {

    @Autowired
    ChannelHealth health;

    @Autowired
    SnapshotHolder snapshots;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aPinReachesTheNamedChannelEvenWhenAHigherPriorityChannelServesTheSameModel() {
        String model = uniqueModel();
        String high = scenario();
        String low = scenario();
        newChannel(model, "sim-gpt-4o", "sk-up-pin-high", 10, Map.of("x-sim-scenario-id", high));
        String lowId = newChannel(model, "sim-gpt-4o", "sk-up-pin-low", 0, Map.of("x-sim-scenario-id", low));
        String otherModel = uniqueModel();
        newChannel(otherModel, "sim-gpt-4o", "sk-up-pin-other", 0, Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);
        awaitModelVisible(key, otherModel);

        String confirmation = "pin-" + UUID.randomUUID();
        String verification = "pin-" + UUID.randomUUID();
        try (UsageTopicReader usage =
                UsageTopicReader.fromNow(RelayInfrastructure.get().kafkaBootstrap(), Topics.USAGE)) {
            HttpResponse<String> chat = post(
                    "/v1/chat/completions",
                    key,
                    chat(model, false, "hi"),
                    Map.of("x-relay-channel", lowId, "x-admin-token", ADMIN_TOKEN, "x-request-id", confirmation));
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            HttpResponse<String> messages = post(
                    "/v1/messages",
                    key,
                    messages(model, true, "hi"),
                    Map.of(
                            "x-relay-channel",
                            lowId,
                            "x-admin-token",
                            ADMIN_TOKEN,
                            "x-relay-purpose",
                            "verification",
                            "x-request-id",
                            verification));
            assertThat(messages.statusCode()).as(messages.body()).isEqualTo(200);
            assertThat(simRequests(low)).hasSize(2);
            assertThat(simRequests(high)).isEmpty();

            Map<String, UsageRecorded> events = new HashMap<>();
            for (ConsumerRecord<String, String> r :
                    usage.awaitAll(Set.of(confirmation, verification), Duration.ofSeconds(20))) {
                events.put(
                        r.key(), (UsageRecorded) EventCodec.fromJson(r.value()).data());
            }
            assertThat(events.get(confirmation).purpose()).isEqualTo(Purpose.CONFIRMATION);
            assertThat(events.get(confirmation).channelId()).isEqualTo(lowId);
            assertThat(events.get(verification).purpose()).isEqualTo(Purpose.VERIFICATION);
        }

        // the models of the pinned channel only
        HttpResponse<String> models =
                get("/v1/models", key, Map.of("x-relay-channel", lowId, "x-admin-token", ADMIN_TOKEN));
        assertThat(json(models.body()).get("data").values())
                .extracting(m -> m.get("id").asString())
                .containsExactly(model);
        assertThat(get("/v1/models", key).body()).contains(otherModel);
    }

    @Test
    void aClientCannotPinWithoutTheAdminToken() {
        String model = uniqueModel();
        String high = scenario();
        String low = scenario();
        newChannel(model, "sim-gpt-4o", "sk-up-nopin-high", 10, Map.of("x-sim-scenario-id", high));
        String lowId = newChannel(model, "sim-gpt-4o", "sk-up-nopin-low", 0, Map.of("x-sim-scenario-id", low));
        String key = newClientKey();
        awaitModelVisible(key, model);

        for (Map<String, String> headers : List.of(
                Map.of("x-relay-channel", lowId),
                Map.of("x-relay-channel", lowId, "x-admin-token", "not-the-admin-token"),
                Map.of("x-relay-channel", lowId, "x-admin-token", key))) {
            assertThat(post("/v1/chat/completions", key, chat(model, false, "hi"), headers)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(json(get("/v1/models", key, headers).body()).get("data").size())
                    .isGreaterThan(0);
        }
        assertThat(simRequests(high)).hasSize(3);
        assertThat(simRequests(low)).isEmpty();
        // and the admin token alone is no client key
        assertOpenAiError(
                post(
                        "/v1/chat/completions",
                        null,
                        chat(model, false, "hi"),
                        Map.of("x-relay-channel", lowId, "x-admin-token", ADMIN_TOKEN)),
                401,
                "invalid_request_error",
                "invalid_api_key");
    }

    @Test
    void aFailingPinnedChannelAnswersWithItsOwnErrorAndIsNeitherCooledDownNorDisabled() {
        String model = uniqueModel();
        String quota = scenario();
        String broken = scenario();
        String quotaId = newChannel(
                model,
                "sim-gpt-4o",
                "sk-up-pin-quota",
                10,
                Map.of("x-sim-scenario-id", quota, "x-sim-behavior", "quota"));
        String brokenId = newChannel(
                model, "sim-gpt-4o", "sk-up-pin-500", 0, Map.of("x-sim-scenario-id", broken, "x-sim-behavior", "500"));
        String key = newClientKey();
        awaitModelVisible(key, model);

        // a quota 429 during a confirmation is evidence, not a verdict: the upstream's own answer, no fallback
        HttpResponse<String> exhausted = post("/v1/chat/completions", key, chat(model, false, "hi"), pin(quotaId));
        assertThat(exhausted.statusCode()).isEqualTo(429);
        assertThat(exhausted.body()).contains("insufficient_quota").doesNotContain("sk-up-pin-quota");
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> failed =
                    post("/v1/chat/completions", key, chat(model, i % 2 == 0, "hi"), pin(brokenId));
            assertThat(failed.statusCode()).isEqualTo(500);
        }
        assertThat(simRequests(quota)).hasSize(1);
        assertThat(simRequests(broken)).hasSize(6);

        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> health.available(quotaId)
                        && health.available(brokenId)
                        && snapshots.get().channel(quotaId).orElseThrow().status() == ChannelStatus.ENABLED);
        assertThat(health.cooldownUntil(brokenId)).isNull();
        assertThat(jdbc.sql("SELECT count(*) FROM channel_cooldown WHERE channel_id IN (:a, :b)")
                        .param("a", quotaId)
                        .param("b", brokenId)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aPinnedChannelInCooldownIsStillTried() {
        String model = uniqueModel();
        String sc = scenario();
        String id = newChannel(model, "sim-gpt-4o", "sk-up-pin-cool", 0, Map.of("x-sim-scenario-id", sc));
        String key = newClientKey();
        awaitModelVisible(key, model);
        health.applyRemoteCooldown(id, java.time.Instant.now().plusSeconds(300), null);

        HttpResponse<String> unpinned = post("/v1/chat/completions", key, chat(model, false, "hi"));
        assertThat(unpinned.statusCode()).isEqualTo(503);
        assertThat(post("/v1/chat/completions", key, chat(model, false, "hi"), pin(id))
                        .statusCode())
                .isEqualTo(200);
        assertThat(simRequests(sc)).hasSize(1);
        assertThat(health.available(id))
                .as("the pin neither closed nor extended the cooldown")
                .isFalse();
        health.reset(id);
    }

    @Test
    void aPinToAnUnknownChannelOrOneOfAnotherGroupOrModelIsRefusedByTheEdge() {
        String model = uniqueModel();
        String sc = scenario();
        String open = newChannel(model, "sim-gpt-4o", "sk-up-pin-open", 0, Map.of("x-sim-scenario-id", sc));
        String key = newClientKey();
        awaitModelVisible(key, model);
        String otherGroup = admin("POST", "/groups", Map.of("name", "it-" + UUID.randomUUID(), "models", List.of("*")))
                .get("id")
                .asString();
        JsonNode restricted = admin(
                "POST",
                "/channels",
                Map.of(
                        "name", "restricted",
                        "protocol", "OPENAI",
                        "baseUrl", sim.baseUrl(),
                        "credential", "sk-up-pin-restricted",
                        "models", List.of(model),
                        "groups", List.of(otherGroup),
                        "extraHeaders", Map.of("x-sim-scenario-id", sc)));

        assertOpenAiError(
                post("/v1/chat/completions", key, chat(model, false, "hi"), pin("ch_nope")),
                404,
                "invalid_request_error",
                "channel_not_found");
        assertOpenAiError(
                post("/v1/chat/completions", key, chat("not-" + model, false, "hi"), pin(open)),
                404,
                "invalid_request_error",
                "model_not_found");
        assertOpenAiError(
                post(
                        "/v1/chat/completions",
                        key,
                        chat(model, false, "hi"),
                        pin(restricted.get("id").asString())),
                403,
                "invalid_request_error",
                "channel_not_allowed");
        assertAnthropicError(
                post(
                        "/v1/messages",
                        key,
                        messages(model, false, "hi"),
                        Map.of("x-relay-channel", "ch_nope", "x-admin-token", ADMIN_TOKEN)),
                404,
                "not_found_error");
        assertOpenAiError(get("/v1/models", key, pin("ch_nope")), 404, "invalid_request_error", "channel_not_found");
        assertThat(simRequests(sc)).isEmpty();
    }

    private static Map<String, String> pin(String channelId) {
        return Map.of("x-relay-channel", channelId, "x-admin-token", ADMIN_TOKEN);
    }

    private HttpResponse<String> get(String path, String key, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Authorization", "Bearer " + key);
        return raw("GET", path, null, all);
    }
}
