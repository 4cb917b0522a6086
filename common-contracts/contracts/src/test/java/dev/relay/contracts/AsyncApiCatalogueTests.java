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
                        Topics.IMPORT_ITEM,
                        Topics.IMPORT_RUN,
                        Topics.RECONCILE,
                        Topics.GATEWAY_CONFIG,
                        Topics.GATEWAY_CHANNEL,
                        Topics.USAGE)
                .forEach(t -> assertThat(addresses).contains(t));
    }
}
