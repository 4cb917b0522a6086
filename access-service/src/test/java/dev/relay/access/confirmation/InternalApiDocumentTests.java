package dev.relay.access.confirmation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.PostMapping;
import org.yaml.snakeyaml.Yaml;

/** docs/internal-api.openapi.yaml describes exactly access-service's internal handlers. */
class InternalApiDocumentTests {

    @Test
    @SuppressWarnings("unchecked")
    void describesEveryInternalHandler() throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(Path.of("../docs/internal-api.openapi.yaml")));
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, ops) -> ops.keySet().stream()
                .filter(k -> Set.of("get", "post", "put", "patch", "delete").contains(k))
                .forEach(m -> documented.add(m.toUpperCase() + " " + path.replaceAll("\\{[^}]+}", "{}"))));
        Set<String> inCode = new TreeSet<>();
        for (Method m : VerificationController.class.getDeclaredMethods()) {
            PostMapping p = m.getAnnotation(PostMapping.class);
            if (p != null) {
                inCode.add("POST " + p.value()[0].replaceAll("\\{[^}]+}", "{}"));
            }
        }
        assertThat(inCode).isEqualTo(documented);
    }
}
