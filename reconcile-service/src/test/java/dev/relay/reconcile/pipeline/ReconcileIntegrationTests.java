package dev.relay.reconcile.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.outbox.DurableTimers;
import dev.relay.reconcile.passes.Schedule;
import dev.relay.testsupport.ControlPlaneStack;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * reconcile-service in this JVM against the whole rest of the system as processes (simulator, edge, probe-service,
 * import-service, access-service) on real PostgreSQL, Kafka and Debezium: a run is imported and confirmed, then
 * resources are deleted, modified and disabled behind Relay's back through the edge's admin API, an orphan is made by
 * hand and the run's key is exhausted; one pass finds each with the right kind, a repairing pass restores what Relay
 * may restore (through access-service), and what it may not (an operator's disable, an orphan) stays reported.
 */
@RelayIntegrationTest
@org.junit.jupiter.api.extension.ExtendWith(dev.relay.reconcile.ReconcileTestDataCleanup.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "relay.reconcile.orphan-grace=0s",
            "relay.reconcile.after-run-delay=1s",
            "relay.reconcile.repair-wait=90s",
            "relay.outbox.timer-poll-interval=100ms",
            "spring.kafka.consumer.auto-offset-reset=latest"
        })
class ReconcileIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(ReconcileIntegrationTests.class);
    static final String HOST = "it-reconcile-" + UUID.randomUUID().toString().substring(0, 8);
    static ControlPlaneStack stack;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        registry.add("spring.datasource.url", infra::jdbcUrl);
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrap);
        registry.add("relay.reconcile.consumer-group", () -> "reconcile-it-" + UUID.randomUUID());
        registry.add("relay.reconcile.access-service-url", () -> stack.access.baseUrl());
    }

    @BeforeAll
    static void start() {
        stack = ControlPlaneStack.startWithAccess();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    DataSource dataSource;

    @Autowired
    DurableTimers timers;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    dev.relay.reconcile.ledger.LedgerView ledger;

    @LocalServerPort
    int port;

    JdbcClient jdbc() {
        return JdbcClient.create(dataSource);
    }

    @BeforeEach
    void listening() {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> listeners.getAllListenerContainers().stream()
                        .filter(c -> c.getGroupId() != null && c.getGroupId().startsWith("reconcile-it-"))
                        .allMatch(c -> c.getAssignedPartitions() != null
                                && !c.getAssignedPartitions().isEmpty()));
        stack.registerHost(HOST);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc().sql("SELECT count(*) FROM host WHERE id = :id")
                                .param("id", HOST)
                                .query(Integer.class)
                                .single()
                        == 1);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    HttpResponse<String> api(String method, String path, String body) {
        return ControlPlaneStack.send(
                "http://127.0.0.1:" + port + path,
                method,
                body,
                Map.of("Authorization", "Bearer " + ControlPlaneStack.OPERATOR_TOKEN));
    }

    record Run(String id, String clientKey) {}

    Run importRun(String... keys) {
        List<String> items = new ArrayList<>();
        for (String k : keys) {
            items.add("{\"baseUrl\":\"" + stack.sim.baseUrl() + "/v1\",\"apiKey\":\"" + k + "\",\"models\":[]}");
        }
        HttpResponse<String> r =
                stack.operator("POST", "/api/import-runs", """
                {"name":"reconcile it","hostId":"%s","items":[%s]}""".formatted(HOST, String.join(",", items)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode n = ControlPlaneStack.JSON.readTree(r.body());
        String runId = n.get("id").asString();
        JsonNode run = await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> stack.run(runId), x -> {
                    for (JsonNode it : x.get("items")) {
                        if (!List.of("READY", "FAILED").contains(it.get("state").asString())) {
                            return false;
                        }
                    }
                    return true;
                });
        for (JsonNode it : run.get("items")) {
            assertThat(it.get("state").asString()).as(it.toString()).isEqualTo("READY");
        }
        // reconcile-service's view holds every item's resources
        int expected = keys.length + 2; // a channel per item (OpenAI only), the run's group and key
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc().sql("SELECT count(*) FROM ledger_resource WHERE run_id = :run")
                                .param("run", UUID.fromString(runId))
                                .query(Integer.class)
                                .single()
                        == expected);
        return new Run(runId, n.get("clientKey").asString());
    }

    /** Starts a pass and waits until it is over. */
    JsonNode pass(String body) {
        HttpResponse<String> r = api("POST", "/api/reconcile-runs", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = ControlPlaneStack.JSON.readTree(r.body()).get("id").asString();
        assertThat(r.headers().firstValue("Location")).hasValue("/api/reconcile-runs/" + id);
        return await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> ControlPlaneStack.JSON.readTree(
                                api("GET", "/api/reconcile-runs/" + id, null).body()),
                        p -> List.of("completed", "failed")
                                .contains(p.get("state").asString()));
    }

    /** The run's resources on the edge by externalRef. */
    Map<String, JsonNode> onEdge(String kind, String runId) {
        JsonNode data = ControlPlaneStack.JSON
                .readTree(stack.admin("GET", "/" + kind + "?managedBy=relay-access", null)
                        .body())
                .get("data");
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode n : data) {
            String ref = n.path("externalRef").asString();
            if (ref.startsWith("run:" + runId + "/")) {
                out.put(ref, n);
            }
        }
        return out;
    }

    static Map<String, JsonNode> byKind(JsonNode pass) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode f : pass.get("findings")) {
            out.put(
                    f.get("kind").asString() + "|" + f.get("resourceKind").asString() + "|"
                            + f.get("externalRef").asString(),
                    f);
        }
        return out;
    }

    // ---- tests ---------------------------------------------------------------------------------------------------

    @Test
    void driftBehindRelaysBackIsFoundWithItsKindAndRepairedWhereRelayMayRepairIt() {
        String u = UUID.randomUUID().toString().substring(0, 8);
        String model = "rec-" + u;
        Run run = importRun(
                "sk-sim-openai-only_models=" + model + "_run=a" + u,
                "sk-sim-openai-only_models=" + model + "_run=b" + u,
                "sk-sim-openai-only_models=" + model + "_run=c" + u);

        // a pass right after the run completed already found it in sync (run.completed starts one)
        JsonNode first = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> ControlPlaneStack.JSON.readTree(api("GET", "/api/reconcile-runs?runId=" + run.id(), null)
                                .body()),
                        page -> page.get("data").size() > 0
                                && page.get("data")
                                        .get(0)
                                        .get("state")
                                        .asString()
                                        .equals("completed"));
        JsonNode auto = first.get("data").get(0);
        assertThat(auto.get("trigger").asString()).isEqualTo("run_completed");
        assertThat(auto.get("status").asString()).as(auto.toString()).isEqualTo("in_sync");
        assertThat(auto.at("/counts/checked").asInt()).isEqualTo(5);

        // behind Relay's back: delete one channel, change another, an operator disables a third, exhaust the key,
        // and make a channel that claims to be Relay's
        List<JsonNode> channels = new ArrayList<>(onEdge("channels", run.id()).values());
        channels.sort((x, y) ->
                x.get("externalRef").asString().compareTo(y.get("externalRef").asString()));
        JsonNode gone = channels.get(0);
        JsonNode changed = channels.get(1);
        JsonNode disabled = channels.get(2);
        assertThat(stack.admin("DELETE", "/channels/" + gone.get("id").asString(), null)
                        .statusCode())
                .isEqualTo(204);
        assertThat(stack.admin("PATCH", "/channels/" + changed.get("id").asString(), "{\"priority\":42}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(stack.admin("POST", "/channels/" + disabled.get("id").asString() + "/disable", null)
                        .statusCode())
                .isEqualTo(200);
        JsonNode key = onEdge("keys", run.id()).values().iterator().next();
        assertThat(stack.admin(
                                "POST",
                                "/keys/" + key.get("id").asString() + "/exhaust",
                                "{\"reason\":\"it\",\"until\":\"2099-01-01T00:00:00Z\"}")
                        .statusCode())
                .isEqualTo(200);
        String orphanRef = "run:" + run.id() + "/item:" + UUID.randomUUID() + "/channel:openai";
        HttpResponse<String> orphan =
                stack.admin("POST", "/channels", """
                {"name":"by hand","protocol":"OPENAI","baseUrl":"%s/v1","credential":"sk-sim-models=%s",
                 "models":["%s"],"managedBy":"relay-access","externalRef":"%s"}""".formatted(stack.sim.baseUrl(), model, model, orphanRef));
        assertThat(orphan.statusCode()).as(orphan.body()).isEqualTo(201);

        // report only (the default policy): every kind found, nothing touched
        JsonNode report = pass("{\"runId\":\"" + run.id() + "\"}");
        log.info("report pass: {}", report);
        assertThat(report.get("status").asString()).isEqualTo("drifted");
        assertThat(report.at("/counts/exhaustedKeys").asInt())
                .as("an exhausted key is accounting, not drift")
                .isEqualTo(1);
        Map<String, JsonNode> found = byKind(report);
        assertThat(found.keySet())
                .containsExactlyInAnyOrder(
                        "missing|CHANNEL|" + gone.get("externalRef").asString(),
                        "modified|CHANNEL|" + changed.get("externalRef").asString(),
                        "disabled|CHANNEL|" + disabled.get("externalRef").asString(),
                        "orphaned|CHANNEL|" + orphanRef);
        assertThat(found.get("missing|CHANNEL|" + gone.get("externalRef").asString())
                        .get("repair")
                        .asString())
                .isEqualTo("none");
        assertThat(found.get("disabled|CHANNEL|" + disabled.get("externalRef").asString())
                        .get("detail")
                        .asString())
                .contains("disabled by an operator");
        assertThat(onEdge("channels", run.id()))
                .doesNotContainKey(gone.get("externalRef").asString());

        // the run's policy becomes repair: access-service re-applies what is missing or modified
        assertThat(api("PUT", "/api/reconcile-runs/policies/" + run.id(), "{\"policy\":\"repair\"}")
                        .statusCode())
                .isEqualTo(200);
        JsonNode repair = pass("{\"runId\":\"" + run.id() + "\"}");
        log.info("repair pass: {}", repair);
        assertThat(repair.get("state").asString()).isEqualTo("completed");
        assertThat(repair.at("/counts/repaired").asInt()).isEqualTo(2);
        assertThat(repair.get("status").asString())
                .as("an operator's disable and an orphan are not Relay's to repair")
                .isEqualTo("drifted");
        Map<String, JsonNode> repaired = byKind(repair);
        assertThat(repaired.get("missing|CHANNEL|" + gone.get("externalRef").asString())
                        .get("repair")
                        .asString())
                .isEqualTo("repaired");
        assertThat(repaired.get("modified|CHANNEL|" + changed.get("externalRef").asString())
                        .get("repair")
                        .asString())
                .isEqualTo("repaired");
        assertThat(repaired.get("disabled|CHANNEL|"
                                + disabled.get("externalRef").asString())
                        .get("repair")
                        .asString())
                .isEqualTo("not_allowed");
        assertThat(repaired.get("orphaned|CHANNEL|" + orphanRef).get("repair").asString())
                .isEqualTo("not_allowed");

        Map<String, JsonNode> now = onEdge("channels", run.id());
        assertThat(now).containsKey(gone.get("externalRef").asString());
        assertThat(now.get(changed.get("externalRef").asString())
                        .get("priority")
                        .asInt())
                .isZero();
        assertThat(now.get(disabled.get("externalRef").asString()).get("status").asString())
                .isEqualTo("DISABLED");
        assertThat(now).as("an orphan is never deleted").containsKey(orphanRef);

        // the next pass finds only what was left alone on purpose
        JsonNode after = pass("{\"runId\":\"" + run.id() + "\"}");
        assertThat(byKind(after).keySet())
                .containsExactlyInAnyOrder(
                        "disabled|CHANNEL|" + disabled.get("externalRef").asString(), "orphaned|CHANNEL|" + orphanRef);

        // the run's history, newest first, pages
        JsonNode page =
                ControlPlaneStack.JSON.readTree(api("GET", "/api/reconcile-runs?runId=" + run.id() + "&limit=2", null)
                        .body());
        assertThat(page.get("data")).hasSize(2);
        assertThat(page.get("hasMore").asBoolean()).isTrue();
        JsonNode rest = ControlPlaneStack.JSON.readTree(api(
                        "GET",
                        "/api/reconcile-runs?runId=" + run.id() + "&limit=2&cursor="
                                + page.get("nextCursor").asString(),
                        null)
                .body());
        assertThat(rest.get("data")).hasSize(2);
        assertThat(rest.get("data").get(1).get("trigger").asString()).isEqualTo("run_completed");

        // clean up what the test made on the edge by hand
        stack.admin(
                "DELETE",
                "/channels/"
                        + ControlPlaneStack.JSON
                                .readTree(orphan.body())
                                .get("id")
                                .asString(),
                null);
        stack.operator("POST", "/api/import-runs/" + run.id() + "/rollback", null);
    }

    @Test
    void aReadyItemWhoseUpstreamStopsServingIsAccessBrokenWithTheWindowsClassification() {
        String u = UUID.randomUUID().toString().substring(0, 8);
        String model = "rec-q-" + u;
        // the simulator serves this key 40 times, then answers 429 with a quota body
        String key = "sk-sim-openai-only_ok-then-quota-after-40_models=" + model + "_run=" + u;
        Run run = importRun(key);
        JsonNode fine = pass("{\"runId\":\"" + run.id() + "\"}");
        assertThat(fine.get("status").asString()).as(fine.toString()).isEqualTo("in_sync");

        // the upstream account runs dry behind Relay's back
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ControlPlaneStack.send(
                                        stack.sim.baseUrl() + "/v1/chat/completions",
                                        "POST",
                                        "{\"model\":\"" + model
                                                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                        Map.of("Authorization", "Bearer " + key))
                                .statusCode()
                        == 429);

        JsonNode broken = pass("{\"runId\":\"" + run.id() + "\"}");
        log.info("re-verification pass: {}", broken);
        assertThat(broken.get("status").asString()).isEqualTo("drifted");
        JsonNode f = broken.get("findings").get(0);
        assertThat(f.get("kind").asString()).isEqualTo("access_broken");
        assertThat(f.at("/evidence/classification").asString()).isEqualTo("UPSTREAM_KEY_QUOTA_ISSUE");
        assertThat(f.at("/evidence/edgeEvidence").size()).isPositive();
        assertThat(f.at("/evidence/directEvidence/0/status").asInt()).isEqualTo(429);
        assertThat(f.get("repair").asString()).isEqualTo("not_allowed");
        stack.operator("POST", "/api/import-runs/" + run.id() + "/rollback", null);
    }

    @Test
    void anAutoDisabledChannelIsReprobedAndEnabledAgainOnlyOnceItsUpstreamPasses() {
        String u = UUID.randomUUID().toString().substring(0, 8);
        String model = "rec-a-" + u;
        // the simulator serves this key 30 times, then answers 401 (until its counters are reset)
        String key = "sk-sim-openai-only_ok-then-401-after-30_models=" + model + "_run=" + u;
        Run run = importRun(key);
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ControlPlaneStack.send(
                                        stack.sim.baseUrl() + "/v1/chat/completions",
                                        "POST",
                                        body,
                                        Map.of("Authorization", "Bearer " + key))
                                .statusCode()
                        == 401);
        // a client's call meets the 401: the edge auto-disables the channel
        JsonNode channel = onEdge("channels", run.id()).values().iterator().next();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    stack.client("POST", "/v1/chat/completions", run.clientKey(), body);
                    return ControlPlaneStack.JSON
                            .readTree(stack.admin(
                                            "GET",
                                            "/channels/" + channel.get("id").asString(),
                                            null)
                                    .body())
                            .get("status")
                            .asString()
                            .equals("AUTO_DISABLED");
                });
        assertThat(api("PUT", "/api/reconcile-runs/policies/" + run.id(), "{\"policy\":\"repair\"}")
                        .statusCode())
                .isEqualTo(200);

        // still failing upstream: re-probed, not re-enabled
        JsonNode still = pass("{\"runId\":\"" + run.id() + "\"}");
        log.info("auto-disabled, upstream still failing: {}", still);
        JsonNode f = still.get("findings").get(0);
        assertThat(f.get("kind").asString()).isEqualTo("disabled");
        assertThat(f.get("detail").asString()).contains("auto-disabled by the edge");
        assertThat(f.get("repair").asString()).as(f.toString()).isEqualTo("failed");
        assertThat(f.get("repairDetail").asString()).contains("still fails a re-probe");
        assertThat(still.get("status").asString()).isEqualTo("drifted");
        assertThat(ControlPlaneStack.JSON
                        .readTree(stack.admin(
                                        "GET", "/channels/" + channel.get("id").asString(), null)
                                .body())
                        .get("status")
                        .asString())
                .isEqualTo("AUTO_DISABLED");

        // the upstream recovers: the re-probe passes and access-service enables the channel again
        assertThat(ControlPlaneStack.send(stack.sim.baseUrl() + "/_sim/reset", "POST", null, Map.of())
                        .statusCode())
                .isEqualTo(200);
        JsonNode back = pass("{\"runId\":\"" + run.id() + "\"}");
        log.info("auto-disabled, upstream recovered: {}", back);
        assertThat(back.get("status").asString()).as(back.toString()).isEqualTo("repaired");
        assertThat(back.get("findings").get(0).get("repair").asString()).isEqualTo("repaired");
        assertThat(ControlPlaneStack.JSON
                        .readTree(stack.admin(
                                        "GET", "/channels/" + channel.get("id").asString(), null)
                                .body())
                        .get("status")
                        .asString())
                .isEqualTo("ENABLED");
        assertThat(stack.client("POST", "/v1/chat/completions", run.clientKey(), body)
                        .statusCode())
                .isEqualTo(200);
        stack.operator("POST", "/api/import-runs/" + run.id() + "/rollback", null);
    }

    @Test
    void aPassAgainstAHostThatIsDownFailsCleanlyAndIsRetriedUntilTheHostAnswers() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String down = "it-down-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> r = stack.operator(
                "POST", "/api/hosts", """
                {"id":"%s","name":"down","adminUrl":"http://127.0.0.1:%d/admin/v1","adminToken":"%s",
                 "clientUrl":"http://127.0.0.1:%d"}""".formatted(down, closed, ControlPlaneStack.ADMIN_TOKEN, closed));
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc().sql("SELECT count(*) FROM host WHERE id = :id")
                                .param("id", down)
                                .query(Integer.class)
                                .single()
                        == 1);

        // the ledger view holds a run with a channel on that host (as item.provisioned would have recorded it)
        UUID runId = UUID.randomUUID();
        UUID itemId = UUID.randomUUID();
        tx.executeWithoutResult(s -> ledger.provisioned(new dev.relay.contracts.ItemProvisioned(
                runId,
                itemId,
                1,
                "ch_gone",
                "grp_gone",
                "key_gone",
                "m",
                List.of(new dev.relay.contracts.ManagedResource(
                        down,
                        dev.relay.contracts.ManagedResource.ResourceKind.CHANNEL,
                        "ch_gone",
                        "run:" + runId + "/item:" + itemId + "/channel:openai",
                        "0".repeat(64))),
                Instant.now())));
        HttpResponse<String> started = api("POST", "/api/reconcile-runs", "{\"runId\":\"" + runId + "\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = ControlPlaneStack.JSON.readTree(started.body()).get("id").asString();
        JsonNode retrying = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> ControlPlaneStack.JSON.readTree(
                                api("GET", "/api/reconcile-runs/" + id, null).body()),
                        p -> p.get("state").asString().equals("retrying")
                                && p.get("attempts").asInt() >= 2);
        assertThat(retrying.get("error").asString()).contains(down, "did not answer");

        // the host comes back (its admin API now answers): the next attempt completes the pass
        r = stack.operator("POST", "/api/hosts", """
                {"id":"%s","name":"down","adminUrl":"%s/admin/v1","adminToken":"%s","clientUrl":"%s"}""".formatted(
                        down, stack.edgeUrl(), ControlPlaneStack.ADMIN_TOKEN, stack.edgeUrl()));
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        JsonNode done = await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> ControlPlaneStack.JSON.readTree(
                                api("GET", "/api/reconcile-runs/" + id, null).body()),
                        p -> p.get("state").asString().equals("completed"));
        assertThat(done.get("error").isNull()).as(done.toString()).isTrue();
        assertThat(done.get("status").asString())
                .as("the recorded channel is not on that edge")
                .isEqualTo("drifted");
        tx.executeWithoutResult(s -> jdbc().sql("DELETE FROM ledger_resource WHERE run_id = :r")
                .param("r", runId)
                .update());
        assertThat(done.get("attempts").asInt()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aPassOverEveryRunVerifiesTheItemsVerifiedLongestAgoFirstAndAtMostItsShare() {
        String host = HOST + "-verify";
        UUID run = UUID.randomUUID();
        List<UUID> items = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID item = UUID.randomUUID();
            items.add(item);
            jdbc().sql("INSERT INTO ledger_resource (host_id, kind, external_ref, resource_id, run_id, item_id,"
                            + " spec_hash, recorded_at) VALUES (:h, 'CHANNEL', :ref, :id, :run, :item, 'x', now())")
                    .param("h", host)
                    .param("ref", "run:" + run + "/item:" + item + "/channel:openai")
                    .param("id", "ch_" + i)
                    .param("run", run)
                    .param("item", item)
                    .update();
            jdbc().sql("INSERT INTO ready_item (item_id, run_id, ready, updated_at, verified_at)"
                            + " VALUES (:item, :run, true, now(), :at)")
                    .param("item", item)
                    .param("run", run)
                    .param(
                            "at",
                            i == 0
                                    ? null
                                    : java.sql.Timestamp.from(Instant.now().minusSeconds(100 - i)))
                    .update();
        }
        try {
            dev.relay.reconcile.ledger.LedgerView view = new dev.relay.reconcile.ledger.LedgerView(dataSource);
            // never verified first, then the oldest verification; at most the limit
            assertThat(view.readyItems(host, null, 2))
                    .extracting(dev.relay.reconcile.ledger.LedgerView.ReadyItem::itemId)
                    .containsExactly(items.get(0), items.get(1));
            view.verified(items.get(0), Instant.now());
            view.verified(items.get(1), Instant.now());
            assertThat(view.readyItems(host, null, 2))
                    .extracting(dev.relay.reconcile.ledger.LedgerView.ReadyItem::itemId)
                    .first()
                    .isEqualTo(items.get(2));
            // a run's own pass takes all of the run's items, whatever the limit
            assertThat(view.readyItems(host, run, 2)).hasSize(3);
            assertThat(view.readyItems(host, null, 0)).hasSize(3);
        } finally {
            jdbc().sql("DELETE FROM ready_item WHERE run_id = :run")
                    .param("run", run)
                    .update();
            jdbc().sql("DELETE FROM ledger_resource WHERE run_id = :run")
                    .param("run", run)
                    .update();
        }
    }

    @Test
    void theScheduleStartsAPassOverEveryRunAndMovesItselfAhead() {
        Instant before = Instant.now();
        tx.executeWithoutResult(s -> timers.schedule(Schedule.KIND, "all", Instant.now(), null));
        JsonNode pass = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> ControlPlaneStack.JSON
                                .readTree(api("GET", "/api/reconcile-runs?limit=1", null)
                                        .body())
                                .get("data")
                                .get(0),
                        p -> p.get("trigger").asString().equals("schedule")
                                && Instant.parse(p.get("requestedAt").asString())
                                        .isAfter(before));
        assertThat(pass.get("runId").isNull()).isTrue();
        Instant next = jdbc().sql("SELECT due_at FROM timer WHERE kind = :k AND key = 'all'")
                .param("k", Schedule.KIND)
                .query(java.sql.Timestamp.class)
                .single()
                .toInstant();
        assertThat(next).isAfter(Instant.now().plus(Duration.ofMinutes(50)));
    }

    @Test
    void badRequestsGetProblemsAndNoTokenNoAccess() {
        HttpResponse<String> r = api("POST", "/api/reconcile-runs", "{\"runId\":\"nope\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"code\":\"invalid_parameter\"");
        r = api("POST", "/api/reconcile-runs", "{\"runId\":\"" + UUID.randomUUID() + "\"}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("run_not_found");
        r = api("POST", "/api/reconcile-runs", "{\"everything\":true}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = api("GET", "/api/reconcile-runs?cursor=garbage!", null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_cursor");
        r = api("PUT", "/api/reconcile-runs/policies/" + UUID.randomUUID(), "{\"policy\":\"delete-everything\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = ControlPlaneStack.send("http://127.0.0.1:" + port + "/api/reconcile-runs", "GET", null, Map.of());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(c -> assertThat(c).startsWith("application/problem+json"));
    }
}
