package dev.relay.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.imports.hosts.HostController;
import dev.relay.imports.runs.RunController;
import dev.relay.imports.web.ServiceRoutes;
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

/** The operator API document describes exactly the handlers the front has, and the routed prefixes. */
class OperatorApiDocumentTests {

    static final Path DOC = Path.of("../docs/operator-api.openapi.yaml");

    @Test
    @SuppressWarnings("unchecked")
    void describesEveryHandlerAndNothingElse() throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(DOC));
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        Set<String> routed = new TreeSet<>();
        paths.forEach((path, ops) -> {
            if (ops.containsKey("x-relay-routed-to")) {
                routed.add(path);
            }
        });
        // the prefixes the front routes: routed paths not under another routed path (sub-paths are the owner's)
        routed.removeIf(p -> routed.stream().anyMatch(r -> !r.equals(p) && p.startsWith(r + "/")));
        // operations under a routed prefix belong to the service it routes to, which checks them against its handlers
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, ops) -> {
            if (routed.stream().noneMatch(r -> path.equals(r) || path.startsWith(r + "/"))) {
                ops.keySet().stream()
                        .filter(k ->
                                Set.of("get", "post", "put", "patch", "delete").contains(k))
                        .forEach(m -> documented.add(m.toUpperCase() + " " + path));
            }
        });

        Set<String> inCode = new TreeSet<>();
        for (Class<?> c : new Class<?>[] {HostController.class, RunController.class}) {
            String base = c.getAnnotation(RequestMapping.class).value()[0];
            for (Method m : c.getDeclaredMethods()) {
                GetMapping g = m.getAnnotation(GetMapping.class);
                PostMapping p = m.getAnnotation(PostMapping.class);
                if (g != null) {
                    inCode.add("GET " + base + path(g.value()));
                }
                if (p != null) {
                    inCode.add("POST " + base + path(p.value()));
                }
            }
        }
        assertThat(inCode.stream().map(s -> s.replaceAll("\\{[^}]+}", "{}")).toList())
                .containsExactlyInAnyOrderElementsOf(documented.stream()
                        .map(s -> s.replaceAll("\\{[^}]+}", "{}"))
                        .toList());

        Set<String> routedInCode = new TreeSet<>();
        for (Method m : ServiceRoutes.class.getDeclaredMethods()) {
            RequestMapping r = m.getAnnotation(RequestMapping.class);
            if (r != null) {
                for (String v : r.value()) {
                    if (!v.endsWith("/**")) {
                        routedInCode.add(v);
                    }
                }
            }
        }
        assertThat(routedInCode).isEqualTo(routed);
    }

    private static String path(String[] v) {
        return v.length == 0 ? "" : v[0];
    }
}
