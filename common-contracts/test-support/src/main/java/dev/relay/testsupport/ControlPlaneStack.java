package dev.relay.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The system around a control-plane service under test, each as its own process on real PostgreSQL, Kafka and
 * Debezium: the upstream simulator, the edge (gateway-service), probe-service, import-service (the operator front) and,
 * when asked ({@link #startWithAccess}), access-service. Closing it stops each by its PID.
 */
public final class ControlPlaneStack implements AutoCloseable {

    public static final String MASTER_KEY = "cmVsYXktZGV2LW1hc3Rlci1rZXktTk9ULVNFQ1JFVCE=";
    public static final String ADMIN_TOKEN = "relay-test-admin-token-not-secret";
    public static final String OPERATOR_TOKEN = "relay-test-operator-token-not-secret";
    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final HttpClient HTTP = HttpClient.newHttpClient();

    public final UpstreamSimulatorProcess sim;
    public final ServiceProcess edge;
    public final ServiceProcess probe;
    public final ServiceProcess imports;
    /** access-service as a process, or null when the test runs it in its own JVM. */
    public final ServiceProcess access;

    private ControlPlaneStack(
            UpstreamSimulatorProcess sim,
            ServiceProcess edge,
            ServiceProcess probe,
            ServiceProcess imports,
            ServiceProcess access) {
        this.sim = sim;
        this.edge = edge;
        this.probe = probe;
        this.imports = imports;
        this.access = access;
    }

    /** Everything but access-service (the test runs it). */
    public static ControlPlaneStack start() {
        return start(false);
    }

    /** Everything, access-service included (in its own consumer group, so it sees only what happens from now on). */
    public static ControlPlaneStack startWithAccess() {
        return start(true, Map.of());
    }

    /** As {@link #startWithAccess()}, with more environment for import-service (e.g. {@code RELAY_RECONCILE_URL}). */
    public static ControlPlaneStack startWithAccess(Map<String, String> importEnv) {
        return start(true, importEnv);
    }

    private static ControlPlaneStack start(boolean withAccess) {
        return start(withAccess, Map.of());
    }

    private static ControlPlaneStack start(boolean withAccess, Map<String, String> importEnv) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        UpstreamSimulatorProcess sim = UpstreamSimulatorProcess.start();
        ServiceProcess edge = null;
        ServiceProcess probe = null;
        ServiceProcess imports = null;
        ServiceProcess access = null;
        try {
            Map<String, String> env = new HashMap<>();
            env.put("RELAY_MASTER_KEY", MASTER_KEY);
            env.put("RELAY_ADMIN_TOKEN", ADMIN_TOKEN);
            env.put("RELAY_OPERATOR_TOKEN", OPERATOR_TOKEN);
            env.put("RELAY_KEY_HMAC_SECRET", "relay-test-hmac-secret-not-secret");
            env.put("RELAY_URL_ALLOWLIST", "127.0.0.1:" + sim.port());
            env.put("RELAY_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
            String db = "--spring.datasource.url=" + infra.jdbcUrl();
            edge = ServiceProcess.of("gateway-service", env, db, "--relay.gateway.config-poll-interval=1s")
                    .start();
            probe = ServiceProcess.of(
                            "probe-service",
                            env,
                            db,
                            "--relay.probe.call-timeout=10s",
                            "--relay.probe.max-attempts=2",
                            "--relay.outbox.timer-poll-interval=100ms")
                    .start();
            if (withAccess) {
                String group = "access-stack-" + java.util.UUID.randomUUID();
                access = ServiceProcess.of(
                                "access-service",
                                env,
                                db,
                                "--relay.access.consumer-group=" + group,
                                "--relay.accounting.usage-consumer-group=access-usage-stack-"
                                        + java.util.UUID.randomUUID(),
                                "--spring.kafka.consumer.auto-offset-reset=latest",
                                "--relay.outbox.timer-poll-interval=100ms")
                        .start();
                // it reads from the latest offsets: it must own its partitions before the test makes events
                awaitAssigned(infra.kafkaBootstrap(), group);
            }
            Map<String, String> importsEnv = new HashMap<>(env);
            if (access != null) {
                importsEnv.put("RELAY_ACCESS_URL", access.baseUrl());
            }
            importsEnv.putAll(importEnv);
            imports = ServiceProcess.of("import-service", importsEnv, db).start();
            return new ControlPlaneStack(sim, edge, probe, imports, access);
        } catch (RuntimeException e) {
            for (AutoCloseable c : new AutoCloseable[] {access, imports, probe, edge, sim}) {
                closeQuietly(c);
            }
            throw e;
        }
    }

    /** Waits (up to 60 s) until the consumer group is stable with partitions assigned to its members. */
    static void awaitAssigned(String bootstrap, String group) {
        java.util.Properties p = new java.util.Properties();
        p.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    var d = admin.describeConsumerGroups(java.util.List.of(group))
                            .describedGroups()
                            .get(group)
                            .get();
                    int assigned = d.members().stream()
                            .mapToInt(m -> m.assignment().topicPartitions().size())
                            .sum();
                    if (d.groupState() == org.apache.kafka.common.GroupState.STABLE && assigned > 0) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    // not there yet
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("consumer group " + group + " was not assigned its partitions in 60 s");
    }

    public String edgeUrl() {
        return edge.baseUrl();
    }

    /** Registers (idempotently) a host for the edge under {@code hostId}. */
    public void registerHost(String hostId) {
        HttpResponse<String> r =
                operator("POST", "/api/hosts", """
                {"id":"%s","name":"test edge","adminUrl":"%s/admin/v1","adminToken":"%s","clientUrl":"%s"}
                """.formatted(hostId, edgeUrl(), ADMIN_TOKEN, edgeUrl()));
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("host registration failed: " + r.statusCode() + " " + r.body());
        }
    }

    public HttpResponse<String> operator(String method, String path, String body) {
        return send(imports.baseUrl() + path, method, body, Map.of("Authorization", "Bearer " + OPERATOR_TOKEN));
    }

    public JsonNode run(String runId) {
        return JSON.readTree(operator("GET", "/api/import-runs/" + runId, null).body());
    }

    public HttpResponse<String> admin(String method, String path, String body) {
        return send(edgeUrl() + "/admin/v1" + path, method, body, Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
    }

    /** A client call through the edge with a client key. */
    public HttpResponse<String> client(String method, String path, String clientKey, String body) {
        return send(edgeUrl() + path, method, body, Map.of("Authorization", "Bearer " + clientKey));
    }

    public static HttpResponse<String> send(String url, String method, String body, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(b::header);
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {access, imports, probe, edge, sim}) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // stopping the others matters more
        }
    }
}
