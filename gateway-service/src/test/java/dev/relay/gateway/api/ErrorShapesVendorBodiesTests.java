package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Error bodies of OpenAI-compatible vendors that use neither provider's shape. */
class ErrorShapesVendorBodiesTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheMessageOfAFastApiStyleDetailBody() {
        JsonNode a = JSON.readTree(ErrorShapes.toAnthropic(400, b("{\"detail\":\"context length exceeded\"}")));
        assertThat(a.at("/error/type").asString()).isEqualTo("invalid_request_error");
        assertThat(a.at("/error/message").asString()).isEqualTo("context length exceeded");
        JsonNode o = JSON.readTree(ErrorShapes.toOpenAi(422, b("{\"detail\":\"model not loaded\"}")));
        assertThat(o.at("/error/message").asString()).isEqualTo("model not loaded");
        assertThat(o.at("/error/type").asString()).isEqualTo("invalid_request_error");
    }

    @Test
    void keepsTheMessageOfAStringError() {
        JsonNode a = JSON.readTree(ErrorShapes.toAnthropic(400, b("{\"error\":\"bad things\"}")));
        assertThat(a.at("/error/message").asString()).isEqualTo("bad things");
        JsonNode o = JSON.readTree(ErrorShapes.toOpenAi(400, b("{\"error\":\"bad things\"}")));
        assertThat(o.at("/error/message").asString()).isEqualTo("bad things");
        assertThat(o.at("/error").isObject()).isTrue();
    }
}
