package dev.relay.simulator.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorHttpSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class EmbeddingsEndpointTests extends SimulatorHttpSupport {

    @Test
    void oneDeterministicVectorPerInputWithDefaultDimension() {
        String body = "{\"model\":\"sim-embed\",\"input\":[\"hello world\",\"other text here\"]}";

        JsonNode first = json(
                bodyOf(openAi("/v1/embeddings", body).exchange().expectStatus().isOk()));
        JsonNode second = json(bodyOf(openAi("/v1/embeddings", body).exchange()));

        assertThat(first.path("object").stringValue()).isEqualTo("list");
        assertThat(first.path("model").stringValue()).isEqualTo("sim-embed");
        assertThat(first.path("data")).hasSize(2);
        JsonNode vector = first.path("data").get(0).path("embedding");
        assertThat(vector).hasSize(8);
        assertThat(first.path("data").get(1).path("index").intValue()).isEqualTo(1);
        assertThat(first.path("data")).isEqualTo(second.path("data"));
        assertThat(first.path("data").get(1).path("embedding")).isNotEqualTo(vector);
        assertThat(first.path("usage").path("prompt_tokens").intValue()).isEqualTo(5);
        assertThat(first.path("usage").path("total_tokens").intValue()).isEqualTo(5);
    }

    @Test
    void stringInputDimensionsAndBase64() {
        JsonNode sized = json(bodyOf(openAi("/v1/embeddings", "{\"model\":\"e\",\"input\":\"hi\",\"dimensions\":3}")
                .exchange()));
        assertThat(sized.path("data").get(0).path("embedding")).hasSize(3);

        JsonNode encoded = json(
                bodyOf(openAi("/v1/embeddings", "{\"model\":\"e\",\"input\":\"hi\",\"encoding_format\":\"base64\"}")
                        .exchange()));
        assertThat(encoded.path("data").get(0).path("embedding").stringValue())
                .isBase64()
                .hasSize(44);
    }
}
