package dev.relay.access.accounting.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.yaml.snakeyaml.Yaml;

/**
 * The operator API document describes exactly the accounting handlers access-service has under the prefixes the
 * operator front routes to it ({@code /api/consumers}, {@code /api/usage}); import-service checks the rest.
 */
class AccountingApiDocumentTests {

    static final Path DOC = Path.of("../docs/operator-api.openapi.yaml");
    static final Set<String> PREFIXES = Set.of("/api/consumers", "/api/usage");

    @Test
    @SuppressWarnings("unchecked")
    void describesEveryAccountingHandlerAndNothingElse() throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(DOC));
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, ops) -> {
            if (PREFIXES.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
                ops.keySet().stream()
                        .filter(k ->
                                Set.of("get", "post", "put", "patch", "delete").contains(k))
                        .forEach(m -> documented.add(m.toUpperCase() + " " + path.replaceAll("\\{[^}]+}", "{}")));
            }
        });
        for (String prefix : PREFIXES) {
            assertThat(paths.get(prefix)).as(prefix).containsEntry("x-relay-routed-to", "access-service");
        }

        Set<String> inCode = new TreeSet<>();
        for (Class<?> c : new Class<?>[] {ConsumerController.class, UsageController.class}) {
            String base = c.getAnnotation(RequestMapping.class).value()[0];
            for (Method m : c.getDeclaredMethods()) {
                GetMapping g = m.getAnnotation(GetMapping.class);
                PostMapping p = m.getAnnotation(PostMapping.class);
                if (g != null) {
                    inCode.add("GET " + (base + path(g.value())).replaceAll("\\{[^}]+}", "{}"));
                }
                if (p != null) {
                    inCode.add("POST " + (base + path(p.value())).replaceAll("\\{[^}]+}", "{}"));
                }
            }
        }
        assertThat(inCode).isEqualTo(documented);
    }

    private static String path(String[] v) {
        return v.length == 0 ? "" : v[0];
    }
}
