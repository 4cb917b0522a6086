package dev.relay.access.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.access.AccessTestDataCleanup;
import dev.relay.testsupport.ControlPlaneStack;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * From {@code POST /api/import-runs} to a client using the issued key through the edge: access-service in this JVM,
 * the edge, probe-service, import-service and the upstream simulator as processes, real PostgreSQL, Kafka and Debezium
 * in between. The confirmation window is shortened to keep failures quick.
 */
@RelayIntegrationTest
@ExtendWith(AccessTestDataCleanup.class)
// closed after this class: its timer runner shares access.timer with the access-service process of the restart test
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "relay.access.confirmation-window=8s",
            "relay.access.confirmation-first-delay=200ms",
            "relay.access.confirmation-max-delay=1s",
            "relay.outbox.timer-poll-interval=100ms",
            "spring.kafka.consumer.auto-offset-reset=latest"
        })
class AccessPipelineIntegrationTests {

    static ControlPlaneStack stack;
    static final String HOST = "it-edge-" + UUID.randomUUID().toString().substring(0, 8);

    @Autowired
    DataSource dataSource;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    dev.relay.outbox.OutboxWriter outbox;

    @Autowired
    org.springframework.transaction.support.TransactionTemplate tx;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        registry.add("spring.datasource.url", infra::jdbcUrl);
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrap);
        registry.add("relay.access.master-key", () -> ControlPlaneStack.MASTER_KEY);
        registry.add("relay.access.url-allowlist", () -> "127.0.0.1:" + stack.sim.port());
        registry.add("relay.access.consumer-group", () -> "access-it-" + UUID.randomUUID());
        registry.add("relay.accounting.operator-token", () -> ControlPlaneStack.OPERATOR_TOKEN);
        registry.add("relay.accounting.usage-consumer-group", () -> "access-usage-it-" + UUID.randomUUID());
    }

    @BeforeAll
    static void start() {
        stack = ControlPlaneStack.start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void listening() {
        // a fresh consumer group starting at the latest offset: wait until it owns its partitions, then register
        await().atMost(Duration.ofSeconds(60))
                .until(() -> listeners.getAllListenerContainers().stream()
                        .filter(c -> c.getGroupId() != null && c.getGroupId().startsWith("access-it-"))
                        .allMatch(c -> c.getAssignedPartitions() != null
                                && !c.getAssignedPartitions().isEmpty()));
        stack.registerHost(HOST);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> JdbcClient.create(dataSource)
                                .sql("SELECT count(*) FROM host WHERE id = :id")
                                .param("id", HOST)
                                .query(Integer.class)
                                .single()
                        == 1);
    }

    static String u() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    record Submitted(String runId, String clientKey) {}

    Submitted submit(String access, String... items) {
        String body = "{\"name\":\"e2e\",\"hostId\":\"" + HOST + "\"," + (access == null ? "" : access + ",")
                + "\"items\":[" + String.join(",", items) + "]}";
        HttpResponse<String> r = stack.operator("POST", "/api/import-runs", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode n = ControlPlaneStack.JSON.readTree(r.body());
        return new Submitted(n.get("id").asString(), n.get("clientKey").asString());
    }

    static String item(String baseUrl, String key, String models, String extra) {
        return "{\"baseUrl\":\"" + baseUrl + "\",\"apiKey\":\"" + key + "\",\"models\":" + models
                + (extra == null ? "" : "," + extra) + "}";
    }

    JsonNode settled(String runId) {
        return await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> stack.run(runId), run -> {
                    for (JsonNode it : run.get("items")) {
                        String st = it.get("state").asString();
                        if (!List.of("READY", "FAILED", "DUPLICATE", "CANCELLED", "ROLLED_BACK")
                                .contains(st)) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    static JsonNode byIndex(JsonNode run, int index) {
        for (JsonNode it : run.get("items")) {
            if (it.get("index").asInt() == index) {
                return it;
            }
        }
        throw new AssertionError("no item " + index + " in " + run);
    }

    @Test
    void aSelfServiceRunEndsInAKeyThatWorksOnBothClientApis() {
        String u = u();
        String chat = "e2e-chat-" + u;
        String claude = "e2e-claude-" + u;
        Submitted s = submit(
                "\"access\":{\"mode\":\"self_service\",\"balanceTokens\":1000000}",
                item(stack.sim.baseUrl() + "/v1", "sk-sim-openai-only_models=" + chat + "_run=" + u, "[]", null),
                item(
                        stack.sim.baseUrl() + "/anthropic",
                        "sk-sim-anthropic-only_models=" + claude + "_run=" + u,
                        "[]",
                        null));
        JsonNode run = settled(s.runId());
        for (JsonNode it : run.get("items")) {
            assertThat(it.get("state").asString()).as(it.toString()).isEqualTo("READY");
            assertThat(it.path("accessStatus").asString())
                    .as(it.toString())
                    .isEqualToIgnoringCase("self_service_ready");
        }

        HttpResponse<String> models = stack.client("GET", "/v1/models", s.clientKey(), null);
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.body()).contains(chat, claude);
        HttpResponse<String> c = stack.client(
                "POST",
                "/v1/chat/completions",
                s.clientKey(),
                "{\"model\":\"" + chat + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
        HttpResponse<String> m = ControlPlaneStack.send(
                stack.edgeUrl() + "/v1/messages",
                "POST",
                "{\"model\":\"" + claude
                        + "\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("x-api-key", s.clientKey(), "anthropic-version", "2023-06-01"));
        assertThat(m.statusCode()).as(m.body()).isEqualTo(200);

        // the ledger holds what was created: one channel per item, the run's group and key
        List<String> types = JdbcClient.create(dataSource)
                .sql("SELECT resource_type FROM managed_resource WHERE run_id = :run ORDER BY resource_type")
                .param("run", UUID.fromString(s.runId()))
                .query(String.class)
                .list();
        assertThat(types).containsExactly("CHANNEL", "CHANNEL", "CLIENT_KEY", "GROUP"); // OpenAI-only + Anthropic-only
        await().atMost(Duration.ofSeconds(30))
                .until(() -> stack.run(s.runId()).path("status").asString(), "succeeded"::equalsIgnoreCase);

        // a duplicate delivery of item.probed (another event id, the same content) creates nothing twice
        UUID itemId = UUID.fromString(byIndex(stack.run(s.runId()), 0).get("id").asString());
        String probe = JdbcClient.create(dataSource)
                .sql("SELECT probe_result::text FROM access_item WHERE item_id = :id")
                .param("id", itemId)
                .query(String.class)
                .single();
        UUID duplicate = tx.execute(t -> outbox.append(new dev.relay.contracts.ItemProbed(
                        UUID.fromString(s.runId()),
                        itemId,
                        1,
                        dev.relay.contracts.EventCodec.mapper().readValue(probe, dev.relay.contracts.ProbeResult.class),
                        java.time.Instant.now())))
                .id();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> JdbcClient.create(dataSource)
                                .sql("SELECT count(*) FROM inbox WHERE event_id = :id")
                                .param("id", duplicate)
                                .query(Integer.class)
                                .single()
                        >= 1);
        assertThat(JdbcClient.create(dataSource)
                        .sql("SELECT count(*) FROM managed_resource WHERE run_id = :run")
                        .param("run", UUID.fromString(s.runId()))
                        .query(Integer.class)
                        .single())
                .isEqualTo(4);
        assertThat(JdbcClient.create(dataSource)
                        .sql("SELECT stage FROM access_item WHERE item_id = :id")
                        .param("id", itemId)
                        .query(String.class)
                        .single())
                .isEqualTo("READY");
    }

    @Test
    void aSubscriptionRunFindsItsBrokenBackupAlthoughThePrimaryAnswers() {
        String u = u();
        String model = "e2e-fb-" + u;
        Submitted s = submit(
                "\"access\":{\"mode\":\"subscription\",\"allowanceTokens\":500000,\"period\":\"month\"}",
                item(stack.sim.baseUrl(), "sk-sim-models=" + model + "_run=p" + u, "[]", "\"priority\":10"),
                item(stack.sim.baseUrl(), "sk-sim-warmup-403_models=" + model + "_run=b" + u, "[]", "\"priority\":0"));
        JsonNode run = settled(s.runId());
        JsonNode primary = byIndex(run, 0);
        JsonNode backup = byIndex(run, 1);
        assertThat(primary.get("state").asString()).as(primary.toString()).isEqualTo("READY");
        assertThat(primary.path("accessStatus").asString()).isEqualToIgnoringCase("subscription_ready");
        assertThat(backup.get("state").asString()).as(backup.toString()).isEqualTo("FAILED");
        assertThat(backup.path("accessStatus").asString()).isEqualToIgnoringCase("broken");
        assertThat(backup.path("classification").asString()).isEqualTo("AUTH_INVALID");
        // the key works: the fallback set answers through the primary
        HttpResponse<String> c = stack.client(
                "POST",
                "/v1/chat/completions",
                s.clientKey(),
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> stack.run(s.runId()).path("status").asString(), "partially_succeeded"::equalsIgnoreCase);
    }

    /**
     * An operator's disabled channel, made before provisioning reaches the item, with the item's material fields:
     * provisioning's create finds it (same {@code managedBy} + {@code externalRef}) and the confirmation meets a
     * channel the edge will not route to, while the upstream itself answers.
     */
    void disabledChannelAhead(String runId, int index, String key, String model) {
        JsonNode it = byIndex(stack.run(runId), index);
        String ref = "run:" + runId + "/item:" + it.get("id").asString() + "/channel:openai";
        HttpResponse<String> r = stack.admin("POST", "/channels", """
                {"name":"ahead","protocol":"OPENAI","baseUrl":"%s/v1","credential":"%s","models":["%s"],
                 "status":"DISABLED","managedBy":"relay-access","externalRef":"%s"}""".formatted(stack.sim.baseUrl(), key, model, ref));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    String completion(JsonNode item) {
        return JdbcClient.create(dataSource)
                .sql("SELECT completion::text FROM access_item WHERE item_id = :id")
                .param("id", UUID.fromString(item.get("id").asString()))
                .query(String.class)
                .single();
    }

    @Test
    void aClosedWindowTellsAHostCompatibilityGapFromAnUpstreamKeyQuotaIssue() {
        String u = u();
        String gapModel = "e2e-gap-" + u;
        String gapKey = "sk-sim-openai-only_latency-300_models=" + gapModel + "_run=" + u;
        // the probe of an OpenAI-only item makes 6 counted calls (models, 4 chat, responses); then every call is 429
        String quotaKey = "sk-sim-openai-only_ok-then-429-after-6_models=e2e-q-" + u + "_run=" + u;
        Submitted s = submit(
                null,
                item(stack.sim.baseUrl() + "/v1", gapKey, "[]", null),
                item(stack.sim.baseUrl() + "/v1", quotaKey, "[]", null));
        disabledChannelAhead(s.runId(), 0, gapKey, gapModel);
        JsonNode run = settled(s.runId());
        JsonNode gap = byIndex(run, 0);
        JsonNode quota = byIndex(run, 1);
        assertThat(gap.get("state").asString()).as(gap.toString()).isEqualTo("FAILED");
        assertThat(gap.path("classification").asString()).as(gap.toString()).isEqualTo("HOST_COMPATIBILITY_GAP");
        assertThat(completion(gap)).contains("\"ok\": false", "HOST_COMPATIBILITY_GAP");
        assertThat(quota.get("state").asString()).as(quota.toString()).isEqualTo("FAILED");
        assertThat(quota.path("classification").asString()).as(quota.toString()).isEqualTo("UPSTREAM_KEY_QUOTA_ISSUE");
        // the channel made ahead stands for a crash between the admin call and the ledger write: provisioning found
        // it by its externalRef and recorded it; nothing was created twice
        String ref = "run:" + s.runId() + "/item:" + gap.get("id").asString() + "/channel:openai";
        assertThat(ControlPlaneStack.JSON
                        .readTree(stack.admin("GET", "/channels?managedBy=relay-access&externalRef=" + ref, null)
                                .body())
                        .get("data")
                        .size())
                .isEqualTo(1);
        assertThat(JdbcClient.create(dataSource)
                        .sql("SELECT count(*) FROM managed_resource WHERE external_ref = :ref")
                        .param("ref", ref)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aWarmUpAnswerIsRetriedInsideTheWindowUntilTheItemIsReady() {
        String u = u();
        String model = "e2e-warm-" + u;
        String key = "sk-sim-openai-only_latency-300_models=" + model + "_run=" + u;
        Submitted s = submit(null, item(stack.sim.baseUrl() + "/v1", key, "[]", null));
        disabledChannelAhead(s.runId(), 0, key, model);
        UUID itemId = UUID.fromString(byIndex(stack.run(s.runId()), 0).get("id").asString());
        // the edge answers the pinned confirmation 503 no_available_channel: retried, not failed
        await().atMost(Duration.ofSeconds(30))
                .until(() -> JdbcClient.create(dataSource)
                                .sql("SELECT tries FROM access_item WHERE item_id = :id AND stage = 'CONFIRMING'")
                                .param("id", itemId)
                                .query(Integer.class)
                                .optional()
                                .orElse(0)
                        >= 2);
        JsonNode channels = ControlPlaneStack.JSON.readTree(stack.admin(
                        "GET",
                        "/channels?managedBy=relay-access&externalRef=run:" + s.runId() + "/item:" + itemId
                                + "/channel:openai",
                        null)
                .body());
        String channelId = channels.get("data").get(0).get("id").asString();
        assertThat(stack.admin("POST", "/channels/" + channelId + "/enable", null)
                        .statusCode())
                .isEqualTo(200);
        JsonNode it = byIndex(settled(s.runId()), 0);
        assertThat(it.get("state").asString()).as(it.toString()).isEqualTo("READY");
    }

    @Test
    void rollbackRemovesExactlyTheRunsResourcesAndNothingMadeByHand() {
        String u = u();
        String model = "e2e-rb-" + u;
        Submitted s = submit(
                null,
                item(stack.sim.baseUrl(), "sk-sim-models=" + model + "_run=" + u, "[]", null),
                item(stack.sim.baseUrl(), "sk-sim-models=" + model + "_run=x" + u, "[]", null));
        settled(s.runId());
        List<String[]> recorded = JdbcClient.create(dataSource)
                .sql("SELECT resource_type, host_resource_id FROM managed_resource WHERE run_id = :run")
                .param("run", UUID.fromString(s.runId()))
                .query((rs, i) -> new String[] {rs.getString(1), rs.getString(2)})
                .list();
        assertThat(recorded).hasSize(6); // two items speaking both protocols, the run's group and key
        // an operator adds a channel by hand serving the run's model: it is not in the ledger, so it stays
        String group =
                recorded.stream().filter(r -> r[0].equals("GROUP")).findFirst().orElseThrow()[1];
        HttpResponse<String> hand = stack.admin("POST", "/channels", """
                {"name":"by hand","protocol":"OPENAI","baseUrl":"%s","credential":"sk-sim-models=%s",
                 "models":["%s"]}""".formatted(stack.sim.baseUrl(), model, model));
        assertThat(hand.statusCode()).as(hand.body()).isEqualTo(201);
        String handId = ControlPlaneStack.JSON.readTree(hand.body()).get("id").asString();

        // one item first: its channel goes, the run's key still works through the other
        String first = byIndex(stack.run(s.runId()), 0).get("id").asString();
        assertThat(stack.operator("POST", "/api/import-runs/" + s.runId() + "/items/" + first + "/rollback", null)
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> byIndex(stack.run(s.runId()), 0).get("state").asString(), "ROLLED_BACK"::equals);
        assertThat(stack.client("GET", "/v1/models", s.clientKey(), null).statusCode())
                .isEqualTo(200);

        // then the run: nothing of it remains, the key stops working, the hand-made channel is untouched
        assertThat(stack.operator("POST", "/api/import-runs/" + s.runId() + "/rollback", null)
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode run = stack.run(s.runId());
            List<String> states = new ArrayList<>();
            run.get("items").forEach(i -> states.add(i.get("state").asString()));
            return states.stream().allMatch("ROLLED_BACK"::equals);
        });
        assertThat(stack.run(s.runId()).get("status").asString()).isEqualTo("rolled_back");
        for (String[] r : recorded) {
            String kind = switch (r[0]) {
                case "CHANNEL" -> "channels";
                case "GROUP" -> "groups";
                default -> "keys";
            };
            assertThat(stack.admin("GET", "/" + kind + "/" + r[1], null).statusCode())
                    .as(r[0] + " " + r[1])
                    .isEqualTo(404);
        }
        assertThat(JdbcClient.create(dataSource)
                        .sql("SELECT count(*) FROM managed_resource WHERE run_id = :run")
                        .param("run", UUID.fromString(s.runId()))
                        .query(Integer.class)
                        .single())
                .isZero();
        assertThat(stack.admin("GET", "/channels/" + handId, null).statusCode()).isEqualTo(200);
        assertThat(stack.client("GET", "/v1/models", s.clientKey(), null).statusCode())
                .isEqualTo(401);
        stack.admin("DELETE", "/channels/" + handId, null);
        assertThat(group).isNotBlank();
    }

    @Test
    void aRepairRequestReappliesAMissingOrModifiedResourceFromItsRecordedSpec() {
        String u = u();
        String model = "e2e-rp-" + u;
        Submitted s = submit(
                null,
                item(stack.sim.baseUrl() + "/v1", "sk-sim-openai-only_models=" + model + "_run=" + u, "[]", null));
        assertThat(byIndex(settled(s.runId()), 0).get("state").asString()).isEqualTo("READY");
        JdbcClient db = JdbcClient.create(dataSource);
        record Row(String id, String ref, String hash, UUID item) {}
        Row channel = db.sql("SELECT host_resource_id, external_ref, spec_hash, item_id FROM managed_resource"
                        + " WHERE run_id = :run AND resource_type = 'CHANNEL'")
                .param("run", UUID.fromString(s.runId()))
                .query((rs, i) ->
                        new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class)))
                .single();
        java.util.function.Function<dev.relay.contracts.DriftDetected.DriftKind, UUID> ask = kind -> {
            UUID reconcileId = UUID.randomUUID();
            tx.executeWithoutResult(t -> outbox.append(new dev.relay.contracts.ResourceRepairRequested(
                    reconcileId,
                    UUID.fromString(s.runId()),
                    channel.item(),
                    new dev.relay.contracts.ManagedResource(
                            HOST,
                            dev.relay.contracts.ManagedResource.ResourceKind.CHANNEL,
                            channel.id(),
                            channel.ref(),
                            channel.hash()),
                    kind,
                    java.time.Instant.now())));
            return reconcileId;
        };
        java.util.function.Supplier<String> current =
                () -> db.sql("SELECT host_resource_id FROM managed_resource" + " WHERE external_ref = :ref")
                        .param("ref", channel.ref())
                        .query(String.class)
                        .single();

        // modified by hand: the recorded spec is applied again, the host's spec hash is the ledger's again
        assertThat(stack.admin("PATCH", "/channels/" + channel.id(), "{\"priority\": 99}")
                        .statusCode())
                .isEqualTo(200);
        ask.apply(dev.relay.contracts.DriftDetected.DriftKind.MODIFIED);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> dev.relay.contracts.SpecHash.of(stack.admin("GET", "/channels/" + channel.id(), null)
                                .body())
                        .equals(channel.hash()));

        // deleted by hand: created again from the ledger (with its sealed credential), under a new host id
        assertThat(stack.admin("DELETE", "/channels/" + channel.id(), null).statusCode())
                .isEqualTo(204);
        ask.apply(dev.relay.contracts.DriftDetected.DriftKind.MISSING);
        await().atMost(Duration.ofSeconds(30)).until(() -> !current.get().equals(channel.id()));
        assertThat(stack.admin("GET", "/channels/" + current.get(), null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> c = stack.client(
                "POST",
                "/v1/chat/completions",
                s.clientKey(),
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
    }
}
