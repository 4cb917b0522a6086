package dev.relay.reconcile.web;

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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.yaml.snakeyaml.Yaml;

/**
 * The operator API document describes exactly the handlers reconcile-service has under the prefix the operator front
 * routes to it ({@code /api/reconcile-runs}), each marked as routed to reconcile-service.
 */
class ReconcileApiDocumentTests {

    static final Path DOC = Path.of("../docs/operator-api.openapi.yaml");
    static final String PREFIX = "/api/reconcile-runs";

    @Test
    @SuppressWarnings("unchecked")
    void describesEveryReconcileHandlerAndNothingElse() throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(DOC));
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, ops) -> {
            if (path.equals(PREFIX) || path.startsWith(PREFIX + "/")) {
                assertThat(ops).as(path).containsEntry("x-relay-routed-to", "reconcile-service");
                ops.keySet().stream()
                        .filter(k ->
                                Set.of("get", "post", "put", "patch", "delete").contains(k))
                        .forEach(m -> documented.add(m.toUpperCase() + " " + path.replaceAll("\\{[^}]+}", "{}")));
            }
        });

        Set<String> inCode = new TreeSet<>();
        String base =
                ReconcileController.class.getAnnotation(RequestMapping.class).value()[0];
        for (Method m : ReconcileController.class.getDeclaredMethods()) {
            GetMapping g = m.getAnnotation(GetMapping.class);
            PostMapping p = m.getAnnotation(PostMapping.class);
            PutMapping u = m.getAnnotation(PutMapping.class);
            if (g != null) {
                inCode.add("GET " + (base + path(g.value())).replaceAll("\\{[^}]+}", "{}"));
            }
            if (p != null) {
                inCode.add("POST " + (base + path(p.value())).replaceAll("\\{[^}]+}", "{}"));
            }
            if (u != null) {
                inCode.add("PUT " + (base + path(u.value())).replaceAll("\\{[^}]+}", "{}"));
            }
        }
        assertThat(inCode).isEqualTo(documented);
    }

    private static String path(String[] v) {
        return v.length == 0 ? "" : v[0];
    }
}
