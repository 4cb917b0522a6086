package dev.relay.gateway.admin;

import dev.relay.gateway.config.ConfigException;
import dev.relay.gateway.config.ConfigFilter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * List filters from the query string. An unknown parameter is a 400, not silently ignored: a control plane that
 * lists "its" resources to delete them must never get everything back because of a typo.
 */
final class AdminQuery {

    private AdminQuery() {}

    static <E extends Enum<E>> ConfigFilter filter(ServerHttpRequest request, Set<String> allowed, Class<E> status) {
        Map<String, List<String>> params = request.getQueryParams();
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            if (!allowed.contains(p.getKey())) {
                throw ConfigException.invalid(
                        "unknown_parameter",
                        p.getKey(),
                        "unknown query parameter '" + p.getKey() + "'; filters: "
                                + allowed.stream().sorted().toList());
            }
            if (p.getValue().size() > 1) {
                throw ConfigException.invalid("invalid_value", p.getKey(), p.getKey() + " may be given once");
            }
        }
        String s = params.containsKey("status") ? params.get("status").getFirst() : null;
        E parsed = AdminJson.parseEnum(s, "status", status);
        return new ConfigFilter(
                first(params, "managedBy"),
                first(params, "externalRef"),
                parsed == null ? null : parsed.name(),
                first(params, "groupId"),
                first(params, "model"));
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }
}
