package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ErrorShapesTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void reshapesAnOpenAiErrorForAnAnthropicClientKeepingTheMessage() {
        JsonNode n = JSON.readTree(ErrorShapes.toAnthropic(
                400, b("{\"error\":{\"message\":\"bad field\",\"type\":\"invalid_request_error\",\"code\":null}}")));
        assertThat(n.path("type").asString()).isEqualTo("error");
        assertThat(n.at("/error/type").asString()).isEqualTo("invalid_request_error");
        assertThat(n.at("/error/message").asString()).isEqualTo("bad field");
    }

    @Test
    void reshapesAnAnthropicErrorForAnOpenAiClient() {
        JsonNode n = JSON.readTree(ErrorShapes.toOpenAi(
                529, b("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));
        assertThat(n.has("type")).isFalse();
        assertThat(n.at("/error/message").asString()).isEqualTo("Overloaded");
        assertThat(n.at("/error/type").asString()).isEqualTo("server_error");
        assertThat(n.at("/error/code").asString()).isEqualTo("overloaded_error");
    }

    @Test
    void leavesBodiesAlreadyInTheClientsShapeUntouched() {
        byte[] openAi = b("{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":null,\"code\":\"c\"}}");
        byte[] anthropic = b("{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"m\"}}");
        assertThat(ErrorShapes.toOpenAi(400, openAi)).isSameAs(openAi);
        assertThat(ErrorShapes.toAnthropic(404, anthropic)).isSameAs(anthropic);
    }

    @Test
    void wrapsNonJsonBodiesWithAStatusBasedMessage() {
        JsonNode a = JSON.readTree(ErrorShapes.toAnthropic(502, b("<html>bad gateway</html>")));
        assertThat(a.at("/error/type").asString()).isEqualTo("api_error");
        assertThat(a.at("/error/message").asString()).contains("502");
        JsonNode o = JSON.readTree(ErrorShapes.toOpenAi(404, new byte[0]));
        assertThat(o.at("/error/type").asString()).isEqualTo("not_found_error");
    }

    @Test
    void mapsStatusesToAnthropicErrorTypes() {
        assertThat(AnthropicErrors.typeFor(401)).isEqualTo("authentication_error");
        assertThat(AnthropicErrors.typeFor(403)).isEqualTo("permission_error");
        assertThat(AnthropicErrors.typeFor(413)).isEqualTo("request_too_large");
        assertThat(AnthropicErrors.typeFor(429)).isEqualTo("rate_limit_error");
        assertThat(AnthropicErrors.typeFor(503)).isEqualTo("overloaded_error");
        assertThat(AnthropicErrors.typeFor(500)).isEqualTo("api_error");
    }
}
