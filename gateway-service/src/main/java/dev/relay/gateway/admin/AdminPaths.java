package dev.relay.gateway.admin;

import org.springframework.http.server.reactive.ServerHttpRequest;

/** Where the admin API lives, and the admin-only introspection endpoints under {@code /internal}. */
final class AdminPaths {

    static final String BASE = "/admin/v1";

    private AdminPaths() {}

    static boolean isAdmin(ServerHttpRequest request) {
        String path = request.getPath().pathWithinApplication().value();
        return path.equals("/admin")
                || path.startsWith("/admin/")
                || path.equals("/internal")
                || path.startsWith("/internal/");
    }
}
