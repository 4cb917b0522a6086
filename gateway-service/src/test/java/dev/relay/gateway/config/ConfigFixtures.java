package dev.relay.gateway.config;

import dev.relay.contracts.SecretBox;
import java.util.Base64;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Immutable fixtures for config unit tests. */
final class ConfigFixtures {

    static final SecretBox BOX = SecretBox.fromBase64(
            "k1", Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes()));

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConfigFixtures() {}

    static ChannelSpec deepSeekChannel() {
        return channel("{\"name\": \"deepseek\", \"protocol\": \"OPENAI\", \"baseUrl\": \"https://api.deepseek.com\","
                + " \"credential\": \"sk-deepseek-secret-123456\", \"models\": [\"deepseek-chat\"],"
                + " \"managedBy\": \"access-service\", \"externalRef\": \"item-1\"}");
    }

    /**
     * A channel as an admin request describes it (absent fields take their defaults): fixtures built this way need no
     * change when the spec gains a field.
     */
    static ChannelSpec channel(String json) {
        return spec(json, ChannelSpec.class);
    }

    static <S extends Record> S spec(String json, Class<S> type) {
        return spec(JSON.readTree(json), type);
    }

    static <S extends Record> S spec(JsonNode json, Class<S> type) {
        return SpecJson.read(json, type, SpecJson.Source.API, Set.of());
    }
}
