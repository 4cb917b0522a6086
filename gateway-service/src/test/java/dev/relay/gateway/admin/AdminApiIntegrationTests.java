package dev.relay.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.contracts.SealedSecret;
import dev.relay.contracts.SecretBox;
import dev.relay.gateway.admin.AdminHttp.Response;
import dev.relay.gateway.config.ConfigService;
import dev.relay.gateway.config.ConfigVersionPoller;
import dev.relay.gateway.config.GroupSpec;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ChannelStatus;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.routing.ClientKeys;
import dev.relay.gateway.routing.SnapshotHolder;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API over real HTTP against real PostgreSQL and Kafka, as the gateway's own database role. Every test owns
 * its resources through a unique {@code managedBy}, so it tolerates other tests writing the same schema.
 */
@RelayIntegrationTest
@org.junit.jupiter.api.extension.ExtendWith(dev.relay.gateway.GatewayTestDataCleanup.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminApiIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CREDENTIAL = "sk-it-upstream-secret-0123456789";

    @DynamicPropertySource
    static void realInfrastructure(DynamicPropertyRegistry registry) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        registry.add("spring.datasource.url", infra::jdbcUrl);
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrap);
    }

    @LocalServerPort
    int port;

    @Value("${relay.gateway.admin-token}")
    String adminToken;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SnapshotHolder snapshots;

    @Autowired
    ConfigService config;

    @Autowired
    SecretBox secretBox;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    ConfigVersionPoller poller;

    AdminHttp admin;
    String owner;

    @BeforeEach
    void client() {
        admin = new AdminHttp(port, adminToken);
        owner = "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- channels ------------------------------------------------------------------------------------------------

    @Test
    void createsReadsUpdatesDisablesEnablesAndDeletesAChannelNeverReturningItsCredential() {
        List<Response> seen = new ArrayList<>();
        Response created = record(seen, admin.post("/admin/v1/channels", channelJson("c-1", "gpt-4o")));
        assertThat(created.status()).isEqualTo(201);
        String id = created.id();
        assertThat(created.header("Location")).isEqualTo("/admin/v1/channels/" + id);
        assertThat(created.etag()).isEqualTo("\"1\"");
        JsonNode body = created.json();
        assertThat(body.get("credentialFingerprint").stringValue()).isEqualTo(SecretBox.fingerprint(CREDENTIAL));
        assertThat(body.get("baseUrl").stringValue()).isEqualTo("http://127.0.0.1:8190");
        assertThat(body.get("apiBase").stringValue()).isEqualTo("http://127.0.0.1:8190/v1");
        assertThat(body.has("credential")).isFalse();
        // read-your-writes on this replica: the snapshot has the channel when the response arrives
        ChannelRoute route = snapshots.get().channel(id).orElseThrow();
        assertThat(route.credential()).isEqualTo(CREDENTIAL);
        assertThat(route.apiBase()).isEqualTo(URI.create("http://127.0.0.1:8190/v1"));
        assertThat(snapshots.get().version()).isGreaterThanOrEqualTo(created.configVersion());

        assertThat(record(seen, admin.get("/admin/v1/channels/" + id))
                        .json()
                        .get("name")
                        .stringValue())
                .isEqualTo("it channel");
        Response listed = record(seen, admin.get("/admin/v1/channels?managedBy=" + owner));
        assertThat(listed.json().get("data").values())
                .extracting(n -> n.get("id").stringValue())
                .containsExactly(id);
        assertThat(record(seen, admin.get("/admin/v1/channels?managedBy=" + owner + "&model=gpt-4o"))
                        .json()
                        .get("data")
                        .size())
                .isEqualTo(1);
        assertThat(record(seen, admin.get("/admin/v1/channels?managedBy=" + owner + "&model=nope"))
                        .json()
                        .get("data")
                        .size())
                .isZero();

        Response patched = record(
                seen,
                admin.patch(
                        "/admin/v1/channels/" + id,
                        "{\"priority\":7,\"modelMapping\":{\"gpt-4o\":\"gpt-4o-2024-08-06\"}}",
                        created.etag()));
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.etag()).isEqualTo("\"2\"");
        assertThat(snapshots.get().channel(id).orElseThrow().upstreamModel("gpt-4o"))
                .isEqualTo("gpt-4o-2024-08-06");

        String rotated = "sk-it-rotated-secret-9876543210";
        Response replaced = record(
                seen,
                admin.put(
                        "/admin/v1/channels/" + id,
                        channelJson("c-1", "gpt-4o").replace(CREDENTIAL, rotated),
                        patched.etag()));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().get("priority").intValue()).isZero();
        assertThat(replaced.json().get("credentialFingerprint").stringValue())
                .isEqualTo(SecretBox.fingerprint(rotated));
        assertThat(snapshots.get().channel(id).orElseThrow().credential()).isEqualTo(rotated);

        Response disabled = record(
                seen,
                admin.send("POST", "/admin/v1/channels/" + id + "/disable", "{\"reason\":\"maintenance\"}", null));
        assertThat(disabled.json().get("status").stringValue()).isEqualTo("DISABLED");
        assertThat(disabled.json().get("statusReason").stringValue()).isEqualTo("maintenance");
        assertThat(snapshots.get().channel(id).orElseThrow().status()).isEqualTo(ChannelStatus.DISABLED);
        Response enabled = record(seen, admin.send("POST", "/admin/v1/channels/" + id + "/enable", null, null));
        assertThat(enabled.json().get("status").stringValue()).isEqualTo("ENABLED");
        assertThat(enabled.json().get("statusReason").isNull()).isTrue();

        String ciphertext = jdbc.sql("SELECT credential_ciphertext FROM channel WHERE id = ?")
                .param(id)
                .query(String.class)
                .single();
        assertThat(ciphertext).doesNotContain(rotated).doesNotContain("sk-it");
        assertThat(secretBox.open(new SealedSecret(secretBox.keyId(), ciphertext, "x")))
                .isEqualTo(rotated);

        Response deleted = admin.delete("/admin/v1/channels/" + id, enabled.etag());
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(snapshots.get().channel(id)).isEmpty();
        assertThat(admin.get("/admin/v1/channels/" + id).status()).isEqualTo(404);

        assertThat(seen).allSatisfy(r -> {
            assertThat(r.status()).isBetween(200, 201);
            assertThat(r.body())
                    .doesNotContain(CREDENTIAL)
                    .doesNotContain(rotated)
                    .doesNotContain("\"credential\"");
        });
    }

    @Test
    void listsPageInCreationOrderAndFilterByRefPrefixAndOwner() {
        List<String> ids = new ArrayList<>();
        for (String ref : List.of("run:a/1", "run:a/2", "run:a_/3", "run:ab/4", "run:a/5")) {
            Response r = admin.post("/admin/v1/channels", channelJson(ref, "m-page"));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            ids.add(r.id());
        }
        // pages of two follow each other to the end, in creation order, with no row twice
        List<String> paged = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode page = admin.get("/admin/v1/channels?managedBy=" + owner + "&limit=2"
                            + (after == null ? "" : "&after=" + after))
                    .json();
            page.get("data").values().forEach(n -> paged.add(n.get("id").stringValue()));
            after = page.get("next").isNull() ? null : page.get("next").stringValue();
            pages++;
        } while (after != null);
        assertThat(paged).containsExactlyElementsOf(ids);
        assertThat(pages).isEqualTo(3);
        // the prefix is literal: '_' and '%' match only themselves
        assertThat(admin.get("/admin/v1/channels?managedBy=" + owner + "&externalRefPrefix=run:a/")
                        .json()
                        .get("data")
                        .values())
                .extracting(n -> n.get("externalRef").stringValue())
                .containsExactly("run:a/1", "run:a/2", "run:a/5");
        assertThat(admin.get("/admin/v1/channels?managedBy=" + owner + "&externalRefPrefix=run:a_")
                        .json()
                        .get("data")
                        .values())
                .extracting(n -> n.get("externalRef").stringValue())
                .containsExactly("run:a_/3");
        assertThat(admin.get("/admin/v1/channels?managedBy=" + owner + "&externalRefPrefix=run:a%25")
                        .json()
                        .get("data")
                        .size())
                .isZero();
        // what another manager owns: none of this owner's
        JsonNode others = admin.get("/admin/v1/channels?notManagedBy=" + owner + "&model=m-page&limit=1000")
                .json();
        assertThat(others.get("data").values())
                .noneMatch(n -> owner.equals(n.path("managedBy").asString(null)));
        assertError(admin.get("/admin/v1/channels?limit=0"), 400, "invalid_request_error", "invalid_value", "limit");
        assertError(admin.get("/admin/v1/channels?limit=1001"), 400, "invalid_request_error", "invalid_value", "limit");
        assertError(
                admin.get("/admin/v1/groups?after=not-a-cursor"),
                400,
                "invalid_request_error",
                "invalid_value",
                "after");
        for (String id : ids) {
            assertThat(admin.delete("/admin/v1/channels/" + id, null).status()).isEqualTo(204);
        }
    }

    @Test
    void refusesAStaleIfMatchWith412AndChangesNothing() {
        Response created = admin.post("/admin/v1/channels", channelJson("c-412", "m-412"));
        String id = created.id();
        Response updated = admin.patch("/admin/v1/channels/" + id, "{\"weight\":3}", "\"1\"");
        assertThat(updated.etag()).isEqualTo("\"2\"");

        for (Response stale : List.of(
                admin.patch("/admin/v1/channels/" + id, "{\"weight\":9}", "\"1\""),
                admin.put("/admin/v1/channels/" + id, channelJson("c-412", "m-412"), "\"1\""),
                admin.send("POST", "/admin/v1/channels/" + id + "/disable", null, "\"1\""),
                admin.delete("/admin/v1/channels/" + id, "\"1\""))) {
            assertThat(stale.status()).isEqualTo(412);
            assertThat(stale.json().get("error").get("type").stringValue()).isEqualTo("precondition_failed_error");
        }
        Response now = admin.get("/admin/v1/channels/" + id);
        assertThat(now.etag()).isEqualTo("\"2\"");
        assertThat(now.json().get("weight").intValue()).isEqualTo(3);
        assertThat(outboxChanges(id)).extracting(Change::kind).containsExactly("CREATED", "UPDATED");
    }

    // ---- idempotent creates --------------------------------------------------------------------------------------

    @Test
    void aRepeatedCreateReturnsTheExistingResourceWithoutANewVersionOrRow() {
        Response first = admin.post("/admin/v1/channels", channelJson("c-idem", "m-idem"));
        Response again = admin.post("/admin/v1/channels", channelJson("c-idem", "m-idem"));

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.replayed()).isFalse();
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.replayed()).isTrue();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.etag()).isEqualTo("\"1\"");
        assertThat(again.body()).doesNotContain(CREDENTIAL);
        assertThat(rows("channel", "c-idem")).isEqualTo(1);
        assertThat(outboxChanges(first.id())).extracting(Change::kind).containsExactly("CREATED");
    }

    @Test
    void aRepeatedCreateThatDiffersInAMaterialFieldIs409() {
        admin.post("/admin/v1/channels", channelJson("c-conf", "m-conf"));

        Response otherKey =
                admin.post("/admin/v1/channels", channelJson("c-conf", "m-conf").replace(CREDENTIAL, "sk-other-key-1"));
        Response otherModels = admin.post("/admin/v1/channels", channelJson("c-conf", "another-model"));

        assertThat(otherKey.status()).isEqualTo(409);
        assertThat(otherKey.json().get("error").get("code").stringValue()).isEqualTo("idempotency_conflict");
        assertThat(otherKey.json().get("error").get("param").stringValue()).isEqualTo("credential");
        assertThat(otherKey.body()).doesNotContain("sk-other-key-1").doesNotContain(CREDENTIAL);
        assertThat(otherModels.status()).isEqualTo(409);
        assertThat(rows("channel", "c-conf")).isEqualTo(1);
    }

    @Test
    void concurrentIdenticalCreatesMakeOneChannelAndReplayItToTheOthers() {
        String body = channelJson("c-race", "m-race");
        List<CompletableFuture<Response>> calls = IntStream.range(0, 8)
                .mapToObj(i -> admin.postAsync("/admin/v1/channels", body))
                .toList();
        List<Response> responses = calls.stream().map(CompletableFuture::join).toList();

        assertThat(responses).extracting(Response::status).containsOnly(200, 201);
        assertThat(responses).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(responses).filteredOn(r -> r.status() == 200).allMatch(Response::replayed);
        assertThat(responses)
                .extracting(Response::id)
                .containsOnly(responses.getFirst().id());
        assertThat(rows("channel", "c-race")).isEqualTo(1);
        assertThat(outboxChanges(responses.getFirst().id()))
                .extracting(Change::kind)
                .containsExactly("CREATED");
    }

    @Test
    void concurrentIdenticalKeyCreatesWithASuppliedKeyMakeOneKey() {
        String group = createGroup("g-race-key");
        String supplied = "ck-" + UUID.randomUUID() + UUID.randomUUID();
        String body = keyJson("k-race", group, supplied);
        List<Response> responses =
                IntStream.range(0, 6).mapToObj(i -> admin.postAsync("/admin/v1/keys", body)).toList().stream()
                        .map(CompletableFuture::join)
                        .toList();

        assertThat(responses).extracting(Response::status).containsOnly(200, 201);
        assertThat(responses).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(responses)
                .extracting(Response::id)
                .containsOnly(responses.getFirst().id());
        assertThat(rows("client_key", "k-race")).isEqualTo(1);
        assertThat(snapshots.get().keyByHash(ClientKeys.hash(supplied))).isPresent();
    }

    // ---- groups and keys -----------------------------------------------------------------------------------------

    @Test
    void createsUpdatesDisablesAndDeletesAGroupButNotWhileKeysUseIt() {
        Response created = admin.post(
                "/admin/v1/groups",
                "{\"name\":\"team\",\"models\":[\"gpt-4o\"],\"managedBy\":\"" + owner + "\",\"externalRef\":\"g-1\"}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.id();
        assertThat(snapshots.get().group(id).orElseThrow().allows("gpt-4o")).isTrue();

        Response all = admin.put(
                "/admin/v1/groups/" + id,
                "{\"name\":\"team\",\"models\":[\"*\"],\"managedBy\":\"" + owner + "\",\"externalRef\":\"g-1\"}",
                created.etag());
        assertThat(all.json().get("models").values())
                .extracting(JsonNode::stringValue)
                .containsExactly("*");
        assertThat(snapshots.get().group(id).orElseThrow().allows("anything")).isTrue();

        Response disabled = admin.send("POST", "/admin/v1/groups/" + id + "/disable", null, null);
        assertThat(disabled.json().get("status").stringValue()).isEqualTo("DISABLED");
        assertThat(snapshots.get().group(id).orElseThrow().enabled()).isFalse();

        Response key = admin.post("/admin/v1/keys", keyJson("k-in-group", id, null));
        Response refused = admin.delete("/admin/v1/groups/" + id, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("error").get("code").stringValue()).isEqualTo("group_in_use");

        assertThat(admin.delete("/admin/v1/keys/" + key.id(), null).status()).isEqualTo(204);
        assertThat(admin.delete("/admin/v1/groups/" + id, null).status()).isEqualTo(204);
        assertThat(snapshots.get().group(id)).isEmpty();
        assertThat(outboxChanges(id))
                .extracting(Change::kind)
                .containsExactly("CREATED", "UPDATED", "DISABLED", "DELETED");
    }

    @Test
    void aCreatedKeyIsReturnedOnceHashedAtRestAndAuthenticatesThroughTheSnapshot() {
        String group = createGroup("g-key");
        Response created = admin.post("/admin/v1/keys", keyJson("k-1", group, null));
        assertThat(created.status()).isEqualTo(201);
        String plain = created.json().get("key").stringValue();
        String id = created.id();
        assertThat(plain).startsWith(ClientKeys.PREFIX);
        assertThat(created.json().get("keyPrefix").stringValue()).isEqualTo(ClientKeys.displayPrefix(plain));

        ClientKeyEntry entry = snapshots.get().keyByHash(ClientKeys.hash(plain)).orElseThrow();
        assertThat(entry.id()).isEqualTo(id);
        assertThat(entry.groupId()).isEqualTo(group);
        assertThat(entry.usableAt(Instant.now())).isTrue();

        // never again: not on a read, a list, a replay, an update
        assertThat(admin.get("/admin/v1/keys/" + id).body())
                .doesNotContain(plain)
                .doesNotContain("\"key\"");
        assertThat(admin.get("/admin/v1/keys?managedBy=" + owner).body()).doesNotContain(plain);
        Response replay = admin.post("/admin/v1/keys", keyJson("k-1", group, null));
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body()).doesNotContain(plain);
        assertThat(jdbc.sql("SELECT encode(key_hash, 'hex') FROM client_key WHERE id = ?")
                        .param(id)
                        .query(String.class)
                        .single())
                .isEqualTo(ClientKeys.hash(plain));

        Response limited = admin.patch(
                "/admin/v1/keys/" + id, "{\"rateLimitPerMinute\":30,\"expiresAt\":\"2099-01-01T00:00:00Z\"}", null);
        assertThat(limited.body()).doesNotContain(plain);
        assertThat(snapshots
                        .get()
                        .keyByHash(ClientKeys.hash(plain))
                        .orElseThrow()
                        .rateLimitPerMinute())
                .isEqualTo(30);
        assertThat(admin.patch("/admin/v1/keys/" + id, "{\"key\":\"" + "z".repeat(40) + "\"}", null)
                        .status())
                .isEqualTo(400);

        admin.send("POST", "/admin/v1/keys/" + id + "/disable", null, null);
        assertThat(snapshots
                        .get()
                        .keyByHash(ClientKeys.hash(plain))
                        .orElseThrow()
                        .usableAt(Instant.now()))
                .isFalse();
        admin.delete("/admin/v1/keys/" + id, null);
        assertThat(snapshots.get().keyByHash(ClientKeys.hash(plain))).isEmpty();
    }

    @Test
    void accountingExhaustsAndRestoresAKeyWhileAnOperatorsDecisionWins() {
        String group = createGroup("g-exhaust");
        Response created = admin.post("/admin/v1/keys", keyJson("k-exhaust", group, null));
        String id = created.id();
        String plain = created.json().get("key").stringValue();
        String path = "/admin/v1/keys/" + id;

        Response exhausted = admin.send(
                "POST",
                path + "/exhaust",
                "{\"reason\":\"monthly budget\",\"until\":\"2099-12-03T00:00:00Z\"}",
                "\"1\"");
        assertThat(exhausted.status()).isEqualTo(200);
        assertThat(exhausted.etag()).isEqualTo("\"2\"");
        assertThat(exhausted.json().get("status").stringValue()).isEqualTo("EXHAUSTED");
        assertThat(exhausted.json().get("statusReason").stringValue()).isEqualTo("monthly budget");
        assertThat(exhausted.json().get("statusUntil").stringValue()).isEqualTo("2099-12-03T00:00:00Z");
        assertThat(snapshots.get().version()).isGreaterThanOrEqualTo(exhausted.configVersion());
        ClientKeyEntry entry = snapshots.get().keyByHash(ClientKeys.hash(plain)).orElseThrow();
        assertThat(entry.exhausted())
                .isEqualTo(new ClientKeyEntry.Exhaustion("monthly budget", Instant.parse("2099-12-03T00:00:00Z")));
        assertThat(entry.usableAt(Instant.now())).isFalse();

        // the same verdict again changes nothing; a new reset time is an update
        Response same = admin.send(
                "POST", path + "/exhaust", "{\"reason\":\"monthly budget\",\"until\":\"2099-12-03T00:00:00Z\"}", null);
        assertThat(same.etag()).isEqualTo("\"2\"");
        Response topUpOnly = admin.send("POST", path + "/exhaust", "{\"reason\":\"balance\",\"until\":null}", null);
        assertThat(topUpOnly.etag()).isEqualTo("\"3\"");
        assertThat(topUpOnly.json().get("statusUntil").isNull()).isTrue();
        assertThat(admin.send("POST", path + "/exhaust", "{\"reason\":\"x\"}", "\"2\"")
                        .status())
                .isEqualTo(412);

        assertThat(admin.get("/admin/v1/keys?managedBy=" + owner + "&status=EXHAUSTED")
                        .json()
                        .get("data")
                        .values())
                .extracting(n -> n.get("id").stringValue())
                .containsExactly(id);
        assertThat(admin.get("/admin/v1/keys?managedBy=" + owner + "&status=ENABLED")
                        .json()
                        .get("data")
                        .size())
                .isZero();

        // an operator's edit keeps the exhaustion; EXHAUSTED cannot be entered by PUT, PATCH or create
        Response renamed = admin.patch(path, "{\"name\":\"renamed\"}", null);
        assertThat(renamed.json().get("status").stringValue()).isEqualTo("EXHAUSTED");
        assertThat(renamed.json().get("statusReason").stringValue()).isEqualTo("balance");
        assertError(
                admin.post(
                        "/admin/v1/keys",
                        keyJson("k-born-exhausted", group, null).replace("}", ",\"status\":\"EXHAUSTED\"}")),
                400,
                "invalid_request_error",
                "invalid_value",
                "status");

        Response restored = admin.send("POST", path + "/restore", null, null);
        assertThat(restored.json().get("status").stringValue()).isEqualTo("ENABLED");
        assertThat(restored.json().get("statusReason").isNull()).isTrue();
        assertThat(restored.json().get("statusUntil").isNull()).isTrue();
        assertThat(snapshots
                        .get()
                        .keyByHash(ClientKeys.hash(plain))
                        .orElseThrow()
                        .usableAt(Instant.now()))
                .isTrue();
        assertThat(admin.send("POST", path + "/restore", null, null).etag()).isEqualTo(restored.etag());
        assertError(
                admin.patch(path, "{\"status\":\"EXHAUSTED\"}", null),
                400,
                "invalid_request_error",
                "invalid_value",
                "status");

        // disabled by an operator: accounting's exhaust leaves it disabled; enable overrides an exhaustion
        Response disabled = admin.send("POST", path + "/disable", null, null);
        Response stillDisabled = admin.send("POST", path + "/exhaust", "{\"reason\":\"balance\"}", null);
        assertThat(stillDisabled.status()).isEqualTo(200);
        assertThat(stillDisabled.json().get("status").stringValue()).isEqualTo("DISABLED");
        assertThat(stillDisabled.etag()).isEqualTo(disabled.etag());
        admin.send("POST", path + "/enable", null, null);
        admin.send("POST", path + "/exhaust", "{\"reason\":\"balance\"}", null);
        Response enabled = admin.send("POST", path + "/enable", null, null);
        assertThat(enabled.json().get("status").stringValue()).isEqualTo("ENABLED");
        assertThat(enabled.json().get("statusReason").isNull()).isTrue();

        assertThat(outboxChanges(id))
                .extracting(Change::kind)
                .containsExactly(
                        "CREATED",
                        "UPDATED",
                        "UPDATED",
                        "UPDATED",
                        "UPDATED",
                        "DISABLED",
                        "ENABLED",
                        "UPDATED",
                        "ENABLED");
        assertError(
                admin.get("/admin/v1/groups?status=EXHAUSTED"),
                400,
                "invalid_request_error",
                "invalid_value",
                "status");
        assertError(
                admin.patch("/admin/v1/groups/" + group, "{\"status\":\"EXHAUSTED\"}", null),
                400,
                "invalid_request_error",
                "invalid_value",
                "status");
    }

    @Test
    void aSuppliedKeyIsAcceptedAndAConflictingReplayIs409() {
        String group = createGroup("g-supplied");
        String supplied = "ck-" + UUID.randomUUID() + "-" + UUID.randomUUID();
        Response created = admin.post("/admin/v1/keys", keyJson("k-s", group, supplied));
        assertThat(created.status()).isEqualTo(201);
        assertThat(snapshots.get().keyByHash(ClientKeys.hash(supplied))).isPresent();

        assertThat(admin.post("/admin/v1/keys", keyJson("k-s", group, supplied)).status())
                .isEqualTo(200);
        Response other = admin.post("/admin/v1/keys", keyJson("k-s", group, "ck-" + "q".repeat(40)));
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.json().get("error").get("param").stringValue()).isEqualTo("key");
        Response tooShort = admin.post("/admin/v1/keys", keyJson("k-short", group, "short"));
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.json().get("error").get("param").stringValue()).isEqualTo("key");
        Response noGroup = admin.post("/admin/v1/keys", keyJson("k-nogroup", "grp_missing", null));
        assertThat(noGroup.status()).isEqualTo(400);
        assertThat(noGroup.json().get("error").get("param").stringValue()).isEqualTo("groupId");
    }

    // ---- outbox --------------------------------------------------------------------------------------------------

    @Test
    void everyChangeWritesAConfigChangedOutboxRowCarryingItsVersion() {
        Response created = admin.post("/admin/v1/channels", channelJson("c-outbox", "m-outbox"));
        String id = created.id();
        Response updated = admin.patch("/admin/v1/channels/" + id, "{\"weight\":2}", null);
        Response disabled = admin.send("POST", "/admin/v1/channels/" + id + "/disable", null, null);
        Response enabled = admin.send("POST", "/admin/v1/channels/" + id + "/enable", null, null);
        Response unchanged = admin.send("POST", "/admin/v1/channels/" + id + "/enable", null, null);
        Response deleted = admin.delete("/admin/v1/channels/" + id, null);

        assertThat(unchanged.status()).isEqualTo(200);
        assertThat(outboxChanges(id))
                .containsExactly(
                        new Change("CREATED", created.configVersion()),
                        new Change("UPDATED", updated.configVersion()),
                        new Change("DISABLED", disabled.configVersion()),
                        new Change("ENABLED", enabled.configVersion()),
                        new Change("DELETED", deleted.configVersion()));
        assertThat(deleted.configVersion()).isGreaterThan(enabled.configVersion());
    }

    @Test
    void aFailedTransactionLeavesNeitherTheChangeNorItsOutboxRow() {
        String[] id = new String[1];
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
                    id[0] = config.createGroup(new GroupSpec("doomed", List.of("*"), null, owner, "g-doomed"))
                            .value()
                            .id();
                    assertThat(outboxChanges(id[0])).extracting(Change::kind).containsExactly("CREATED");
                    throw new IllegalStateException("the caller's transaction fails after the change");
                }))
                .hasMessageContaining("caller's transaction fails");

        assertThat(id[0]).isNotNull();
        assertThat(rows("client_group", "g-doomed")).isZero();
        assertThat(outboxChanges(id[0])).isEmpty();
        assertThat(snapshots.get().group(id[0])).isEmpty();
    }

    // ---- auth, errors, version -----------------------------------------------------------------------------------

    @Test
    void refusesCallsWithoutOrWithAWrongTokenWith401() {
        for (Response r : List.of(
                admin.sendWithToken("GET", "/admin/v1/channels", null, null),
                admin.sendWithToken("GET", "/admin/v1/channels", null, "wrong-token"),
                admin.sendWithToken("POST", "/admin/v1/groups", "{\"name\":\"x\",\"models\":[\"*\"]}", "wrong"),
                admin.sendWithToken("GET", "/admin/v1/config/version", null, null))) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("error").get("type").stringValue()).isEqualTo("authentication_error");
        }
        HttpRequest viaHeader = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/v1/groups"))
                .header("x-admin-token", adminToken)
                .GET()
                .build();
        assertThat(RelayInfrastructure.http(viaHeader).statusCode()).isEqualTo(200);
    }

    @Test
    void answersMistakesInTheOneErrorShapeNamingTheField() {
        Response unknown = admin.post("/admin/v1/groups", "{\"name\":\"x\",\"models\":[\"*\"],\"colour\":\"red\"}");
        assertError(unknown, 400, "invalid_request_error", "unknown_field", "colour");
        Response missing = admin.post("/admin/v1/channels", "{\"name\":\"x\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("error").get("param").isNull()).isFalse();
        Response badUrl = admin.post(
                "/admin/v1/channels", channelJson("c-bad", "m").replace("http://127.0.0.1:8190", "file:///etc/passwd"));
        assertError(badUrl, 400, "invalid_request_error", "invalid_value", "baseUrl");
        Response hopByHop = admin.post(
                "/admin/v1/channels",
                channelJson("c-hop", "m")
                        .replace("\"weight\":1", "\"weight\":1,\"extraHeaders\":{\"x-api-key\":\"k\"}"));
        assertError(hopByHop, 400, "invalid_request_error", "invalid_value", "extraHeaders");
        assertError(admin.get("/admin/v1/channels/ch_nope"), 404, "not_found_error", "channel_not_found", null);
        assertError(
                admin.get("/admin/v1/keys?managed_by=x"),
                400,
                "invalid_request_error",
                "unknown_parameter",
                "managed_by");
        HttpRequest textPlain = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/v1/groups"))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        var unsupported = RelayInfrastructure.http(textPlain);
        assertThat(unsupported.statusCode()).isEqualTo(415);
        assertThat(unsupported.body()).contains("\"type\":\"invalid_request_error\"");
        Response garbage = admin.post("/admin/v1/channels", "{\"credential\":\"" + CREDENTIAL);
        assertError(garbage, 400, "invalid_request_error", "invalid_json", null);
        assertThat(garbage.body()).doesNotContain(CREDENTIAL);
    }

    @Test
    void reportsTheSnapshotVersionAndCatchesUpByPollingWhenAnEventIsMissed() {
        Response v = admin.get("/admin/v1/config/version");
        assertThat(v.status()).isEqualTo(200);
        assertThat(v.json().get("version").longValue())
                .isEqualTo(snapshots.get().version());

        // a version that no event announces (as if the event were lost): only the poll can see it
        long bumped = jdbc.sql("UPDATE config_version SET version = version + 1 WHERE id = 1 RETURNING version")
                .query(Long.class)
                .single();
        poller.poll();
        assertThat(snapshots.get().version()).isGreaterThanOrEqualTo(bumped);

        var prometheus = RelayInfrastructure.http(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                        .GET()
                        .build());
        assertThat(prometheus.body()).contains("relay_gateway_config_version{");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    record Change(String kind, long configVersion) {}

    private List<Change> outboxChanges(String resourceId) {
        return jdbc
                .sql("SELECT payload::text FROM outbox WHERE type = 'gateway.config-changed'"
                        + " AND payload->'data'->>'resourceId' = :id"
                        + " ORDER BY (payload->'data'->>'configVersion')::bigint")
                .param("id", resourceId)
                .query(String.class)
                .list()
                .stream()
                .map(p -> {
                    JsonNode data = JSON.readTree(p).get("data");
                    return new Change(
                            data.get("change").stringValue(),
                            data.get("configVersion").longValue());
                })
                .toList();
    }

    private long rows(String table, String externalRef) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE managed_by = :m AND external_ref = :r")
                .param("m", owner)
                .param("r", externalRef)
                .query(Long.class)
                .single();
    }

    private String createGroup(String ref) {
        Response r = admin.post(
                "/admin/v1/groups",
                "{\"name\":\"" + ref + "\",\"models\":[\"*\"],\"managedBy\":\"" + owner + "\",\"externalRef\":\"" + ref
                        + "\"}");
        assertThat(r.status()).isEqualTo(201);
        return r.id();
    }

    private String channelJson(String ref, String model) {
        return "{\"name\":\"it channel\",\"protocol\":\"OPENAI\",\"baseUrl\":\"http://127.0.0.1:8190\","
                + "\"credential\":\"" + CREDENTIAL + "\",\"models\":[\"" + model + "\"],\"weight\":1,"
                + "\"managedBy\":\"" + owner + "\",\"externalRef\":\"" + ref + "\"}";
    }

    private String keyJson(String ref, String groupId, String supplied) {
        return "{\"name\":\"it key\",\"groupId\":\"" + groupId + "\",\"managedBy\":\"" + owner
                + "\",\"externalRef\":\"" + ref + "\"" + (supplied == null ? "" : ",\"key\":\"" + supplied + "\"")
                + "}";
    }

    private static Response record(List<Response> seen, Response r) {
        seen.add(r);
        return r;
    }

    private static void assertError(Response r, int status, String type, String code, String param) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode e = r.json().get("error");
        assertThat(e.get("type").stringValue()).isEqualTo(type);
        assertThat(e.get("code").stringValue()).isEqualTo(code);
        assertThat(e.get("message").stringValue()).isNotBlank();
        if (param == null) {
            assertThat(e.get("param").isNull()).isTrue();
        } else {
            assertThat(e.get("param").stringValue()).isEqualTo(param);
        }
    }
}
