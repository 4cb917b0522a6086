package dev.relay.gateway.admin;

import dev.relay.gateway.config.ConfigException;
import dev.relay.gateway.config.ConfigFilter;
import dev.relay.gateway.config.ListCursor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * List filters and the page from the query string. An unknown parameter is a 400, not silently ignored: a control
 * plane that lists "its" resources to delete them must never get everything back because of a typo. Every list pages:
 * {@code limit} (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}) rows in creation order, and the
 * answer's {@code next} token, passed back as {@code after}, gives the following page ({@code null} on the last).
 */
final class AdminQuery {

    private AdminQuery() {}

    /** Filters every list takes, besides its own. */
    static final Set<String> COMMON = Set.of("externalRefPrefix", "notManagedBy", "limit", "after");

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    static <E extends Enum<E>> ConfigFilter filter(ServerHttpRequest request, Set<String> allowed, Class<E> status) {
        Map<String, List<String>> params = request.getQueryParams();
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            if (!allowed.contains(p.getKey()) && !COMMON.contains(p.getKey())) {
                java.util.TreeSet<String> known = new java.util.TreeSet<>(allowed);
                known.addAll(COMMON);
                throw ConfigException.invalid(
                        "unknown_parameter",
                        p.getKey(),
                        "unknown query parameter '" + p.getKey() + "'; filters: " + known);
            }
            if (p.getValue().size() > 1) {
                throw ConfigException.invalid("invalid_value", p.getKey(), p.getKey() + " may be given once");
            }
        }
        String s = params.containsKey("status") ? params.get("status").getFirst() : null;
        E parsed = AdminJson.parseEnum(s, "status", status);
        String after = first(params, "after");
        String prefix = first(params, "externalRefPrefix");
        if (prefix != null && prefix.isEmpty()) {
            throw ConfigException.invalid("invalid_value", "externalRefPrefix", "externalRefPrefix must not be empty");
        }
        return new ConfigFilter(
                first(params, "managedBy"),
                first(params, "externalRef"),
                prefix,
                first(params, "notManagedBy"),
                parsed == null ? null : parsed.name(),
                first(params, "groupId"),
                first(params, "model"),
                limit(first(params, "limit")),
                after == null ? null : ListCursor.parse(after));
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ConfigException.invalid(
                "invalid_value",
                "limit",
                "limit must be a whole number from 1 to " + MAX_LIMIT + " (default " + DEFAULT_LIMIT + ")");
    }

    /**
     * A page of a list: {@code {"data": [...], "next": token|null}}; {@code rows} holds up to one row more than the
     * limit (the repository reads one extra), which says that a next page exists.
     */
    static <R> ResponseEntity<byte[]> page(
            List<R> rows, ConfigFilter f, Function<R, Object> view, Function<R, ListCursor> position) {
        boolean more = f.limit() > 0 && rows.size() > f.limit();
        List<R> shown = more ? rows.subList(0, f.limit()) : rows;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", shown.stream().map(view).toList());
        body.put("next", more ? position.apply(shown.getLast()).token() : null);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(AdminJson.write(body));
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }
}
