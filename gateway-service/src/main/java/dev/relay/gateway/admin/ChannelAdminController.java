package dev.relay.gateway.admin;

import static dev.relay.gateway.admin.AdminResponses.blocking;

import dev.relay.gateway.config.ChannelRecord;
import dev.relay.gateway.config.ConfigFilter;
import dev.relay.gateway.config.ConfigService;
import dev.relay.gateway.config.ListCursor;
import dev.relay.gateway.config.WriteResult;
import dev.relay.gateway.routing.ChannelStatus;
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

/** {@code /admin/v1/channels}: upstream channels. The credential is write-only. */
@RestController
@RequestMapping(ChannelAdminController.PATH)
class ChannelAdminController {

    static final String PATH = AdminPaths.BASE + "/channels";
    private static final Set<String> FILTERS = Set.of("managedBy", "externalRef", "status", "groupId", "model");

    private final ConfigService config;

    ChannelAdminController(ConfigService config) {
        this.config = config;
    }

    @GetMapping
    Mono<ResponseEntity<byte[]>> list(ServerHttpRequest request) {
        return blocking(() -> {
            ConfigFilter filter = AdminQuery.filter(request, FILTERS, ChannelStatus.class);
            return AdminQuery.page(
                    config.channels(filter), filter, ChannelJson::view, r -> new ListCursor(r.createdAt(), r.id()));
        });
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<byte[]>> get(@PathVariable String id) {
        return blocking(() -> {
            ChannelRecord r = config.channel(id);
            return AdminResponses.one(ChannelJson.view(r), r.version());
        });
    }

    @PostMapping
    Mono<ResponseEntity<byte[]>> create(ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(
                () -> written(config.createChannel(ChannelJson.spec(AdminJson.object(request, body, true), null))));
    }

    @PutMapping("/{id}")
    Mono<ResponseEntity<byte[]>> replace(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> written(config.replaceChannel(
                id,
                AdminResponses.ifMatch(request.getHeaders()),
                ChannelJson.spec(AdminJson.object(request, body, true), id))));
    }

    @PatchMapping("/{id}")
    Mono<ResponseEntity<byte[]>> patch(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> {
            ObjectNode patch = AdminJson.object(request, body, true);
            return written(config.updateChannel(
                    id, AdminResponses.ifMatch(request.getHeaders()), current -> ChannelJson.patched(current, patch)));
        });
    }

    /** Optional body {@code {"reason": "..."}}, kept as {@code statusReason}. */
    @PostMapping("/{id}/disable")
    Mono<ResponseEntity<byte[]>> disable(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> {
            String reason = ChannelJson.disableReason(AdminJson.object(request, body, false));
            return written(config.setChannelStatus(
                    id, AdminResponses.ifMatch(request.getHeaders()), ChannelStatus.DISABLED, reason));
        });
    }

    @PostMapping("/{id}/enable")
    Mono<ResponseEntity<byte[]>> enable(
            @PathVariable String id, ServerHttpRequest request, @RequestBody(required = false) byte[] body) {
        return blocking(() -> {
            AdminJson.rejectUnknown(AdminJson.object(request, body, false), Set.of(), Set.of(), "");
            return written(config.setChannelStatus(
                    id, AdminResponses.ifMatch(request.getHeaders()), ChannelStatus.ENABLED, null));
        });
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<byte[]>> delete(@PathVariable String id, ServerHttpRequest request) {
        return blocking(
                () -> AdminResponses.deleted(config.deleteChannel(id, AdminResponses.ifMatch(request.getHeaders()))));
    }

    private static ResponseEntity<byte[]> written(WriteResult<ChannelRecord> r) {
        ChannelRecord c = r.value();
        return AdminResponses.written(r, ChannelJson.view(c), c.version(), PATH + "/" + c.id());
    }
}
