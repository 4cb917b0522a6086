package dev.relay.simulator.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ModelsTests extends SimulatorHttpSupport {

    @Test
    void openAiShapeWithBearerKey() {
        JsonNode list = json(bodyOf(client.get()
                .uri("/v1/models")
                .header("authorization", OPENAI_KEY)
                .exchange()
                .expectStatus()
                .isOk()));

        assertThat(list.path("object").stringValue()).isEqualTo("list");
        assertThat(list.path("data"))
                .extracting(model -> model.path("id").stringValue())
                .containsExactly("sim-gpt-4o", "sim-gpt-4o-mini", "sim-claude-sonnet", "sim-embed");
        JsonNode first = list.path("data").get(0);
        assertThat(first.path("object").stringValue()).isEqualTo("model");
        assertThat(first.path("created").isNumber()).isTrue();
        assertThat(first.path("owned_by").isString()).isTrue();
    }

    @Test
    void anthropicShapeWithApiKeyOrVersionHeader() {
        JsonNode list = json(bodyOf(client.get()
                .uri("/v1/models")
                .header("x-api-key", ANTHROPIC_KEY)
                .exchange()
                .expectStatus()
                .isOk()));

        assertThat(list.path("has_more").booleanValue()).isFalse();
        assertThat(list.path("first_id").stringValue()).isEqualTo("sim-gpt-4o");
        assertThat(list.path("last_id").stringValue()).isEqualTo("sim-embed");
        JsonNode first = list.path("data").get(0);
        assertThat(first.path("type").stringValue()).isEqualTo("model");
        assertThat(first.path("display_name").isString()).isTrue();
        assertThat(first.path("created_at").stringValue()).endsWith("Z");

        client.get()
                .uri("/v1/models")
                .header("authorization", OPENAI_KEY)
                .header("anthropic-version", "2023-06-01")
                .exchange()
                .expectBody()
                .jsonPath("$.has_more")
                .isEqualTo(false);
    }

    @Test
    void headerOverridesTheListAndSingleModelLookup() {
        client.get()
                .uri("/v1/models")
                .header("authorization", OPENAI_KEY)
                .header("x-sim-models", "a, b,c")
                .exchange()
                .expectBody()
                .jsonPath("$.data[*].id")
                .isEqualTo(java.util.List.of("a", "b", "c"));
        client.get()
                .uri("/v1/models/sim-gpt-4o")
                .header("authorization", OPENAI_KEY)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo("sim-gpt-4o");
        client.get()
                .uri("/v1/models/nope")
                .header("authorization", OPENAI_KEY)
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("model_not_found");
    }

    @Test
    void unknownApiPathsGetProviderShaped404() {
        client.get()
                .uri("/v1/nothing-here")
                .header("authorization", OPENAI_KEY)
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("invalid_request_error");
    }
}
