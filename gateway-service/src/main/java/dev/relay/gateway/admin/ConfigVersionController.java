package dev.relay.gateway.admin;

import dev.relay.gateway.routing.SnapshotHolder;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /admin/v1/config/version}: the config version of the snapshot this replica serves. */
@RestController
class ConfigVersionController {

    private final SnapshotHolder snapshots;

    ConfigVersionController(SnapshotHolder snapshots) {
        this.snapshots = snapshots;
    }

    @GetMapping(AdminPaths.BASE + "/config/version")
    ResponseEntity<byte[]> version() {
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(AdminJson.write(Map.of("version", snapshots.get().version())));
    }
}
