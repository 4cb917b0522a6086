package dev.relay.access.pipeline;

import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.ServiceProcess;
import dev.relay.testsupport.UpstreamSimulatorProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rest of the system around an access-service under test, each as its own process on real PostgreSQL, Kafka and
 * Debezium: the upstream simulator, the edge (gateway-service), probe-service and import-service (the operator
 * front). Closing it stops each by its PID.
 */
final class ControlPlaneStack implements AutoCloseable {

    static final String MASTER_KEY = "cmVsYXktZGV2LW1hc3Rlci1rZXktTk9ULVNFQ1JFVCE=";
    static final String ADMIN_TOKEN = "relay-test-admin-token-not-secret";
    static final String OPERATOR_TOKEN = "relay-test-operator-token-not-secret";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    final UpstreamSimulatorProcess sim;
    final ServiceProcess edge;
    final ServiceProcess probe;
    final ServiceProcess imports;

    private ControlPlaneStack(
            UpstreamSimulatorProcess sim, ServiceProcess edge, ServiceProcess probe, ServiceProcess imports) {
        this.sim = sim;
        this.edge = edge;
        this.probe = probe;
        this.imports = imports;
    }

    static ControlPlaneStack start() {
        RelayInfrastructure infra = RelayInfrastructure.get();
        UpstreamSimulatorProcess sim = UpstreamSimulatorProcess.start();
        ServiceProcess edge = null;
        ServiceProcess probe = null;
        ServiceProcess imports = null;
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
            imports = ServiceProcess.of("import-service", env, db).start();
            return new ControlPlaneStack(sim, edge, probe, imports);
        } catch (RuntimeException e) {
            for (AutoCloseable c : new AutoCloseable[] {imports, probe, edge, sim}) {
                closeQuietly(c);
            }
            throw e;
        }
    }

    String edgeUrl() {
        return edge.baseUrl();
    }

    /** Registers (idempotently) a host for the edge under {@code hostId}. */
    void registerHost(String hostId) {
        HttpResponse<String> r =
                operator("POST", "/api/hosts", """
                {"id":"%s","name":"test edge","adminUrl":"%s/admin/v1","adminToken":"%s","clientUrl":"%s"}
                """.formatted(hostId, edgeUrl(), ADMIN_TOKEN, edgeUrl()));
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("host registration failed: " + r.statusCode() + " " + r.body());
        }
    }

    HttpResponse<String> operator(String method, String path, String body) {
        return send(imports.baseUrl() + path, method, body, Map.of("Authorization", "Bearer " + OPERATOR_TOKEN));
    }

    JsonNode run(String runId) {
        return JSON.readTree(operator("GET", "/api/import-runs/" + runId, null).body());
    }

    HttpResponse<String> admin(String method, String path, String body) {
        return send(edgeUrl() + "/admin/v1" + path, method, body, Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
    }

    /** A client call through the edge with a client key. */
    HttpResponse<String> client(String method, String path, String clientKey, String body) {
        return send(edgeUrl() + path, method, body, Map.of("Authorization", "Bearer " + clientKey));
    }

    static HttpResponse<String> send(String url, String method, String body, Map<String, String> headers) {
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
        for (AutoCloseable c : new AutoCloseable[] {imports, probe, edge, sim}) {
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
