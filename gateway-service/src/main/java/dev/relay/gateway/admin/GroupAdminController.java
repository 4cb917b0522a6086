package dev.relay.gateway.admin;

import static dev.relay.gateway.admin.AdminResponses.blocking;

import dev.relay.gateway.config.ConfigFilter;
import dev.relay.gateway.config.ConfigService;
import dev.relay.gateway.config.EntryStatus;
import dev.relay.gateway.config.GroupRecord;
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

/** {@code /admin/v1/groups}: client groups (the models their keys may use). */
@RestController
@RequestMapping(GroupAdminController.PATH)
class GroupAdminController {

    static final String PATH = AdminPaths.BASE + "/groups";
    private static final Set<String> FILTERS = Set.of("managedBy", "externalRef", "status");

    private final ConfigService config;

    GroupAdminController(ConfigService config) {
        this.config = config;
    }

    @GetMapping
    Mono<ResponseEntity<byte[]>> list(ServerHttpRequest request) {
        return blocking(() -> {
            ConfigFilter filter = AdminQuery.filter(request, FILTERS, EntryStatus.class);
            return AdminQuery.page(
                    config.groups(filter), filter, GroupJson::view, r -> new ListCursor(r.createdAt(), r.id()));
        });
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<byte[]>> get(@PathVariable String id) {
        return blocking(() -> {
            GroupRecord r = config.group(id);
            return AdminResponses.one(GroupJson.view(r), r.version());
        });
    }

    @PostMapping
    Mono<ResponseEntity<byte[]>> create(ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> written(config.createGroup(GroupJson.spec(AdminJson.object(request, body, true), null))));
    }

    @PutMapping("/{id}")
    Mono<ResponseEntity<byte[]>> replace(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> written(config.replaceGroup(
                id,
                AdminResponses.ifMatch(request.getHeaders()),
                GroupJson.spec(AdminJson.object(request, body, true), id))));
    }

    @PatchMapping("/{id}")
    Mono<ResponseEntity<byte[]>> patch(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> {
            ObjectNode patch = AdminJson.object(request, body, true);
            return written(config.updateGroup(
                    id, AdminResponses.ifMatch(request.getHeaders()), current -> GroupJson.patched(current, patch)));
        });
    }

    @PostMapping("/{id}/disable")
    Mono<ResponseEntity<byte[]>> disable(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return status(id, request, body, EntryStatus.DISABLED);
    }

    @PostMapping("/{id}/enable")
    Mono<ResponseEntity<byte[]>> enable(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return status(id, request, body, EntryStatus.ENABLED);
    }

    private Mono<ResponseEntity<byte[]>> status(String id, ServerHttpRequest request, byte[] body, EntryStatus to) {
        return blocking(() -> {
            AdminJson.rejectUnknown(AdminJson.object(request, body, false), Set.of(), Set.of(), "");
            return written(config.setGroupStatus(id, AdminResponses.ifMatch(request.getHeaders()), to));
        });
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<byte[]>> delete(@PathVariable String id, ServerHttpRequest request) {
        return blocking(
                () -> AdminResponses.deleted(config.deleteGroup(id, AdminResponses.ifMatch(request.getHeaders()))));
    }

    private static ResponseEntity<byte[]> written(WriteResult<GroupRecord> r) {
        GroupRecord g = r.value();
        return AdminResponses.written(r, GroupJson.view(g), g.version(), PATH + "/" + g.id());
    }
}
