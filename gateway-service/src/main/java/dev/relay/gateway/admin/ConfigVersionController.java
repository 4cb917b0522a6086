package dev.relay.gateway.admin;

import static dev.relay.gateway.admin.AdminResponses.blocking;

import dev.relay.gateway.config.ConfigService;
import dev.relay.gateway.config.GatewayConfigProperties;
import dev.relay.gateway.config.ReplicaStatus;
import dev.relay.gateway.config.Replicas;
import dev.relay.gateway.routing.SnapshotHolder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /admin/v1/config/version}: the config version of the snapshot this replica serves.
 * {@code GET /admin/v1/config/replicas}: the stored config version and what every live replica serves.
 */
@RestController
class ConfigVersionController {

    private final SnapshotHolder snapshots;
    private final ConfigService config;
    private final Replicas replicas;
    private final GatewayConfigProperties properties;

    ConfigVersionController(
            SnapshotHolder snapshots, ConfigService config, Replicas replicas, GatewayConfigProperties properties) {
        this.snapshots = snapshots;
        this.config = config;
        this.replicas = replicas;
        this.properties = properties;
    }

    @GetMapping(AdminPaths.BASE + "/config/version")
    ResponseEntity<byte[]> version() {
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(AdminJson.write(Map.of("version", snapshots.get().version())));
    }

    /** Replicas seen within {@code relay.gateway.replica-ttl}, by id, with the config version each one serves. */
    @GetMapping(AdminPaths.BASE + "/config/replicas")
    Mono<ResponseEntity<byte[]>> replicas() {
        return blocking(() -> {
            long stored = config.storedVersion();
            List<ReplicaStatus> live = replicas.live(properties.replicaTtl());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("configVersion", stored);
            body.put("data", live.stream().map(ConfigVersionController::view).toList());
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(AdminJson.write(body));
        });
    }

    private static Map<String, Object> view(ReplicaStatus r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replicaId", r.replicaId());
        m.put("configVersion", r.configVersion());
        m.put("startedAt", r.startedAt());
        m.put("lastSeenAt", r.lastSeenAt());
        return m;
    }
}
