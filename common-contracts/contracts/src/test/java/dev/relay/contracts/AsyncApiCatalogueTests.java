package dev.relay.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The AsyncAPI catalogue in docs/ must describe every event type and topic that exists in code. */
class AsyncApiCatalogueTests {

    private static final Path CATALOGUE = Path.of("../../docs/events.asyncapi.yaml");

    @Test
    @SuppressWarnings("unchecked")
    void describesEveryEventTypeAndTopicInCode() throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(CATALOGUE));
        Map<String, Object> channels = (Map<String, Object>) doc.get("channels");
        Map<String, Object> messages =
                (Map<String, Object>) ((Map<String, Object>) doc.get("components")).get("messages");

        Set<String> addresses = new HashSet<>();
        channels.values().forEach(c -> addresses.add((String) ((Map<String, Object>) c).get("address")));
        Set<String> messageNames = new HashSet<>();
        messages.values().forEach(m -> messageNames.add((String) ((Map<String, Object>) m).get("name")));

        for (EventType type : EventType.values()) {
            assertThat(messageNames).as("message for %s in %s", type, CATALOGUE).contains(type.wireName());
            assertThat(addresses).as("channel for %s", type.topic()).contains(type.topic());
        }
        assertThat(messageNames)
                .as("catalogue lists no type the code lacks")
                .allMatch(n -> EventType.fromWireName(n).isPresent());
        List.of(
                        Topics.HOST,
                        Topics.IMPORT_ITEM,
                        Topics.IMPORT_RUN,
                        Topics.RECONCILE,
                        Topics.RESOURCE,
                        Topics.GATEWAY_CONFIG,
                        Topics.GATEWAY_CHANNEL,
                        Topics.USAGE)
                .forEach(t -> assertThat(addresses).contains(t));
    }

    /**
     * Every payload record's fields (and those of the records and enums it holds) are exactly the catalogue schema's
     * properties (enum values), so the catalogue changes with the code.
     */
    @Test
    @SuppressWarnings("unchecked")
    void describesEveryPayloadFieldOfEveryEventType() throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(CATALOGUE));
        Map<String, Object> schemas =
                (Map<String, Object>) ((Map<String, Object>) doc.get("components")).get("schemas");
        java.util.Deque<Class<?>> todo = new java.util.ArrayDeque<>();
        for (EventType type : EventType.values()) {
            todo.add(type.recordType());
        }
        Set<Class<?>> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!seen.add(c)) {
                continue;
            }
            Map<String, Object> schema = (Map<String, Object>) schemas.get(c.getSimpleName());
            assertThat(schema)
                    .as("schema %s in %s", c.getSimpleName(), CATALOGUE)
                    .isNotNull();
            if (c.isEnum()) {
                List<String> values = java.util.Arrays.stream(c.getEnumConstants())
                        .map(e -> ((Enum<?>) e).name())
                        .toList();
                assertThat((List<String>) schema.get("enum"))
                        .as("values of %s", c.getSimpleName())
                        .containsExactlyElementsOf(values);
                continue;
            }
            Map<String, Object> props = (Map<String, Object>) schema.get("properties");
            List<String> fields = java.util.Arrays.stream(c.getRecordComponents())
                    .map(java.lang.reflect.RecordComponent::getName)
                    .toList();
            assertThat(props.keySet()).as("fields of %s", c.getSimpleName()).containsExactlyElementsOf(fields);
            for (java.lang.reflect.RecordComponent rc : c.getRecordComponents()) {
                Class<?> t = rc.getType();
                if (List.class.isAssignableFrom(t)
                        && rc.getGenericType() instanceof java.lang.reflect.ParameterizedType pt
                        && pt.getActualTypeArguments()[0] instanceof Class<?> element) {
                    t = element;
                }
                if (t.getPackageName().equals("dev.relay.contracts") && (t.isRecord() || t.isEnum())) {
                    todo.add(t);
                }
            }
        }
    }
}
