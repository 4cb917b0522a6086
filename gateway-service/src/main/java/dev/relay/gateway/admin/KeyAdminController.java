package dev.relay.gateway.admin;

import static dev.relay.gateway.admin.AdminResponses.blocking;

import dev.relay.gateway.config.ConfigFilter;
import dev.relay.gateway.config.ConfigService;
import dev.relay.gateway.config.CreatedKey;
import dev.relay.gateway.config.KeyRecord;
import dev.relay.gateway.config.KeyStatus;
import dev.relay.gateway.config.ListCursor;
import dev.relay.gateway.config.WriteResult;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

/** {@code /admin/v1/keys}: client keys. The plaintext is returned once, by the create that made it. */
@RestController
@RequestMapping(KeyAdminController.PATH)
class KeyAdminController {

    static final String PATH = AdminPaths.BASE + "/keys";
    private static final Set<String> FILTERS = Set.of("managedBy", "externalRef", "status", "groupId");

    private final ConfigService config;

    KeyAdminController(ConfigService config) {
        this.config = config;
    }

    @GetMapping
    Mono<ResponseEntity<byte[]>> list(ServerHttpRequest request) {
        return blocking(() -> {
            ConfigFilter filter = AdminQuery.filter(request, FILTERS, KeyStatus.class);
            return AdminQuery.page(
                    config.keys(filter),
                    filter,
                    (KeyRecord k) -> KeyJson.view(k, null),
                    r -> new ListCursor(r.createdAt(), r.id()));
        });
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<byte[]>> get(@PathVariable String id) {
        return blocking(() -> {
            KeyRecord r = config.key(id);
            return AdminResponses.one(KeyJson.view(r, null), r.version());
        });
    }

    @PostMapping
    Mono<ResponseEntity<byte[]>> create(ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> {
            WriteResult<CreatedKey> r = config.createKey(KeyJson.createSpec(AdminJson.object(request, body, true)));
            KeyRecord k = r.value().record();
            return AdminResponses.written(
                    r, KeyJson.view(k, r.created() ? r.value().plaintext() : null), k.version(), PATH + "/" + k.id());
        });
    }

    @PutMapping("/{id}")
    Mono<ResponseEntity<byte[]>> replace(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> written(config.replaceKey(
                id,
                AdminResponses.ifMatch(request.getHeaders()),
                KeyJson.replaceSpec(AdminJson.object(request, body, true), id))));
    }

    @PatchMapping("/{id}")
    Mono<ResponseEntity<byte[]>> patch(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> {
            ObjectNode patch = AdminJson.object(request, body, true);
            return written(config.updateKey(
                    id, AdminResponses.ifMatch(request.getHeaders()), current -> KeyJson.patched(current, patch)));
        });
    }

    @PostMapping("/{id}/disable")
    Mono<ResponseEntity<byte[]>> disable(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return status(id, request, body, KeyStatus.DISABLED);
    }

    @PostMapping("/{id}/enable")
    Mono<ResponseEntity<byte[]>> enable(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return status(id, request, body, KeyStatus.ENABLED);
    }

    private Mono<ResponseEntity<byte[]>> status(String id, ServerHttpRequest request, byte[] body, KeyStatus to) {
        return blocking(() -> {
            AdminJson.rejectUnknown(AdminJson.object(request, body, false), Set.of(), Set.of(), "");
            return written(config.setKeyStatus(id, AdminResponses.ifMatch(request.getHeaders()), to));
        });
    }

    /**
     * Usage accounting's verdict: {@code {"reason": "...", "until": "<instant>" | null}} marks the key
     * {@code EXHAUSTED} (a {@code DISABLED} key stays disabled).
     */
    @PostMapping("/{id}/exhaust")
    Mono<ResponseEntity<byte[]>> exhaust(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> {
            KeyJson.Exhaustion e = KeyJson.exhaustion(AdminJson.object(request, body, false));
            return written(config.exhaustKey(id, AdminResponses.ifMatch(request.getHeaders()), e.reason(), e.until()));
        });
    }

    /** The key's budget was reset or topped up: {@code EXHAUSTED} becomes {@code ENABLED}; other statuses stay. */
    @PostMapping("/{id}/restore")
    Mono<ResponseEntity<byte[]>> restore(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> {
            AdminJson.rejectUnknown(AdminJson.object(request, body, false), Set.of(), Set.of(), "");
            return written(config.restoreKey(id, AdminResponses.ifMatch(request.getHeaders())));
        });
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<byte[]>> delete(@PathVariable String id, ServerHttpRequest request) {
        return blocking(
                () -> AdminResponses.deleted(config.deleteKey(id, AdminResponses.ifMatch(request.getHeaders()))));
    }

    private static ResponseEntity<byte[]> written(WriteResult<KeyRecord> r) {
        KeyRecord k = r.value();
        return AdminResponses.written(r, KeyJson.view(k, null), k.version(), PATH + "/" + k.id());
    }
}
