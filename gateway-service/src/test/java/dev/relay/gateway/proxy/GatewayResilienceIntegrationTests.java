package dev.relay.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.Topics;
import dev.relay.contracts.UsageRecorded;
import dev.relay.gateway.GatewayApplication;
import dev.relay.gateway.GatewayIntegrationSupport;
import dev.relay.gateway.health.ChannelHealth;
import dev.relay.testsupport.RelayInfrastructure;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Behaviour across replicas and over time: cooldowns reach a second gateway replica, an exhausted account is
 * auto-disabled, a key's rate limit holds across replicas (Redis), and every request is metered exactly once on
 * {@code relay.usage} with the right outcome and the upstream's own token counts.
 */
class GatewayResilienceIntegrationTests extends GatewayIntegrationSupport {

    private static ConfigurableApplicationContext replicaB;
    private KafkaConsumer<String, String> usage;

    @Autowired
    ChannelHealth health;

    @BeforeEach
    void startReplicaBAndUsageReader() {
        if (replicaB == null) {
            RelayInfrastructure infra = RelayInfrastructure.get();
            // command-line arguments: they outrank application.yml (builder "properties" are only defaults)
            replicaB = new SpringApplicationBuilder(GatewayApplication.class)
                    .run(
                            "--server.port=0",
                            "--spring.datasource.url=" + infra.jdbcUrl(),
                            "--spring.kafka.bootstrap-servers=" + infra.kafkaBootstrap(),
                            "--relay.gateway.admin-token=" + ADMIN_TOKEN,
                            "--relay.gateway.master-key=" + MASTER_KEY,
                            "--relay.gateway.proxy.replica-id=gw-b");
        }
        usage = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                RelayInfrastructure.get().kafkaBootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false));
        List<TopicPartition> parts = usage.partitionsFor(Topics.USAGE, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        usage.assign(parts);
        usage.seekToEnd(parts);
        parts.forEach(usage::position);
    }

    @AfterEach
    void closeReader() {
        usage.close();
    }

    @AfterAll
    static void stopReplicaB() {
        if (replicaB != null) {
            replicaB.close();
            replicaB = null;
        }
    }

    private int portB() {
        return ((org.springframework.boot.web.server.context.WebServerApplicationContext) replicaB)
                .getWebServer()
                .getPort();
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    @Test
    void sharesACooldownWithAnotherReplicaWithinASecond() {
        String model = uniqueModel();
        String primary = scenario();
        String secondary = scenario();
        String primaryId = newChannel(
                model,
                "sim-gpt-4o",
                "sk-up-r1",
                10,
                Map.of("x-sim-scenario-id", primary, "x-sim-behavior", "429", "x-sim-retry-after", "60"));
        newChannel(model, "sim-gpt-4o", "sk-up-r2", 0, Map.of("x-sim-scenario-id", secondary));
        String key = newClientKey();
        awaitModelVisible(key, model);
        ChannelHealth healthB = replicaB.getBean(ChannelHealth.class);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(viaB("/v1/models", key).body()).contains(model));

        assertThat(post("/v1/chat/completions", key, chat(model, false)).statusCode())
                .isEqualTo(200);
        long cooledAt = System.nanoTime();
        assertThat(health.available(primaryId)).isFalse();

        await().atMost(Duration.ofSeconds(1)).until(() -> !healthB.available(primaryId));
        assertThat(Duration.ofNanos(System.nanoTime() - cooledAt)).isLessThan(Duration.ofSeconds(1));
        HttpResponse<String> onB = postViaB("/v1/chat/completions", key, chat(model, false));
        assertThat(onB.statusCode()).isEqualTo(200);
        assertThat(simRequests(primary))
                .as("replica B did not try the cooled-down channel")
                .hasSize(1);
        assertThat(simRequests(secondary)).hasSize(2);
    }

    @Test
    void autoDisablesAChannelWhoseAccountIsOutOfQuota() {
        String model = uniqueModel();
        String broke = scenario();
        String brokeId = newChannel(
                model, "sim-gpt-4o", "sk-up-q1", 10, Map.of("x-sim-scenario-id", broke, "x-sim-behavior", "quota"));
        newChannel(model, "sim-gpt-4o", "sk-up-q2", 0, Map.of());
        String key = newClientKey();
        awaitModelVisible(key, model);

        assertThat(post("/v1/chat/completions", key, chat(model, false)).statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> admin("GET", "/channels/" + brokeId, null)
                        .get("status")
                        .asString()
                        .equals("AUTO_DISABLED"));
        JsonNode ch = admin("GET", "/channels/" + brokeId, null);
        assertThat(ch.get("statusReason").asString()).contains("QUOTA_EXHAUSTED");
        assertThat(ch.toString()).doesNotContain("sk-up-quota-1");
        for (int i = 0; i < 3; i++) {
            assertThat(post("/v1/chat/completions", key, chat(model, false)).statusCode())
                    .isEqualTo(200);
        }
        assertThat(simRequests(broke)).hasSize(1);
    }

    @Test
    void holdsAKeysRateLimitAcrossReplicas() {
        String model = uniqueModel();
        newChannel(model, "sim-gpt-4o", "sk-up-rl", 0, Map.of());
        String key = newClientKey(List.of("*"), 4);
        awaitModelVisible(key, model);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(viaB("/v1/models", key).body()).contains(model));

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = i % 2 == 0
                    ? post("/v1/chat/completions", key, chat(model, false))
                    : postViaB("/v1/chat/completions", key, chat(model, false));
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                assertThat(json(r.body()).at("/error/code").asString()).isEqualTo("rate_limit_exceeded");
            }
        }
        assertThat(statuses).containsExactly(200, 200, 200, 200, 429, 429);
    }

    @Test
    void metersEveryRequestOnceWithTheUpstreamsOwnTokenCounts() throws Exception {
        String model = uniqueModel();
        String sc = scenario();
        newChannel(model, "sim-gpt-4o", "sk-up-m1", 0, Map.of("x-sim-scenario-id", sc));
        String dropModel = uniqueModel();
        newChannel(
                dropModel,
                "sim-gpt-4o",
                "sk-up-m2",
                0,
                Map.of("x-sim-behavior", "drop-after", "x-sim-drop-after", "3"));
        String hangModel = uniqueModel();
        newChannel(hangModel, "sim-gpt-4o", "sk-up-m3", 0, Map.of("x-sim-behavior", "hang"));
        String key = newClientKey();
        awaitModelVisible(key, hangModel);

        String okId = "req-ok-" + UUID.randomUUID();
        HttpResponse<String> ok = post("/v1/chat/completions", key, chat(model, true), Map.of("x-request-id", okId));
        assertThat(ok.statusCode()).isEqualTo(200);
        String dropId = "req-drop-" + UUID.randomUUID();
        post("/v1/chat/completions", key, chat(dropModel, true), Map.of("x-request-id", dropId));
        String abortId = "req-abort-" + UUID.randomUUID();
        byte[] body = chat(hangModel, true).getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nx-request-id: " + abortId
                            + "\r\nAuthorization: Bearer " + key
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> simRequestsCount("sk-up-m3") >= 1);
        }

        Map<String, UsageRecorded> events = awaitUsage(List.of(okId, dropId, abortId));
        UsageRecorded okEvent = events.get(okId);
        assertThat(okEvent.outcome()).isEqualTo(UsageRecorded.Outcome.OK);
        assertThat(okEvent.publicModel()).isEqualTo(model);
        assertThat(okEvent.upstreamModel()).isEqualTo("sim-gpt-4o");
        assertThat(okEvent.stream()).isTrue();
        assertThat(okEvent.usage().estimated()).isFalse();
        JsonNode upstreamUsage = streamedUsage(sc);
        assertThat(okEvent.usage().promptTokens())
                .isEqualTo(upstreamUsage.get("prompt_tokens").asLong());
        assertThat(okEvent.usage().completionTokens())
                .isEqualTo(upstreamUsage.get("completion_tokens").asLong());
        assertThat(okEvent.timeToFirstTokenMillis()).isNotNull();
        assertThat(events.get(dropId).outcome()).isEqualTo(UsageRecorded.Outcome.INCOMPLETE);
        assertThat(events.get(dropId).usage().estimated()).isTrue();
        assertThat(events.get(dropId).usage().completionTokens()).isPositive();
        assertThat(events.get(abortId).outcome()).isEqualTo(UsageRecorded.Outcome.CLIENT_ABORTED);
    }

    /** The usage the simulator put in its final chunk for the (only) request of a scenario, recomputed by asking it again. */
    private JsonNode streamedUsage(String sc) {
        JsonNode sent = json(simRequests(sc).getFirst().get("body").asString());
        HttpResponse<String> direct = postDirect(sent.toString());
        String last = null;
        for (String line : direct.body().split("\n")) {
            if (line.startsWith("data: {") && line.contains("\"usage\":{")) {
                last = line.substring(6);
            }
        }
        assertThat(last).as("usage chunk from the simulator").isNotNull();
        return json(last).get("usage");
    }

    private HttpResponse<String> postDirect(String body) {
        try {
            return HTTP.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.baseUrl() + "/v1/chat/completions"))
                            .header("Authorization", "Bearer sk-direct")
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private long simRequestsCount(String upstreamKey) {
        return simRequests("").stream()
                .filter(r -> r.toString().contains(upstreamKey))
                .count();
    }

    private Map<String, UsageRecorded> awaitUsage(List<String> requestIds) {
        Map<String, UsageRecorded> found = new java.util.HashMap<>();
        List<String> duplicates = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInSameThread().until(() -> {
            for (ConsumerRecord<String, String> r : usage.poll(Duration.ofMillis(200))) {
                if (requestIds.contains(r.key())) {
                    UsageRecorded u =
                            (UsageRecorded) EventCodec.fromJson(r.value()).data();
                    if (found.put(r.key(), u) != null) {
                        duplicates.add(r.key());
                    }
                }
            }
            return found.keySet().containsAll(requestIds);
        });
        // read on for a moment: a second event for the same request would be a metering bug
        long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (System.nanoTime() < until) {
            for (ConsumerRecord<String, String> r : usage.poll(Duration.ofMillis(100))) {
                if (requestIds.contains(r.key())) {
                    duplicates.add(r.key());
                }
            }
        }
        assertThat(duplicates).as("exactly one usage event per request").isEmpty();
        return found;
    }

    private HttpResponse<String> viaB(String path, String key) {
        return sendB(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + portB() + path))
                        .GET(),
                key);
    }

    private HttpResponse<String> postViaB(String path, String key, String body) {
        return sendB(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + portB() + path))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)),
                key);
    }

    private HttpResponse<String> sendB(java.net.http.HttpRequest.Builder b, String key) {
        try {
            return HTTP.send(b.header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
