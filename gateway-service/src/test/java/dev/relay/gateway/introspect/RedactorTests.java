package dev.relay.gateway.introspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RedactorTests {

    private static JsonNode body(String s) {
        return Redactor.body(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reducesDataUrlImagesToTheirMediaTypeAndSize() {
        String png = "iVBORw0KGgo" + "A".repeat(4000);
        JsonNode n =
                body("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":"
                        + "\"data:image/png;base64," + png + "\"}}]}]}");
        String url = n.at("/messages/0/content/0/image_url/url").asString();
        assertThat(url)
                .startsWith("data:image/png;base64,[")
                .endsWith("chars redacted]")
                .doesNotContain("iVBOR");
    }

    @Test
    void redactsAnthropicBase64ImageSources() {
        JsonNode n = body("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":"
                + "{\"type\":\"base64\",\"media_type\":\"image/jpeg\",\"data\":\"" + "Zm9v".repeat(100) + "\"}}]}]}");
        assertThat(n.at("/messages/0/content/0/source/data").asString()).isEqualTo("[400 base64 chars redacted]");
        assertThat(n.at("/messages/0/content/0/source/media_type").asString()).isEqualTo("image/jpeg");
    }

    @Test
    void truncatesLongToolArgumentsAndRedactsKeysAnywhere() {
        String args = "{\\\"path\\\":\\\"" + "x".repeat(1000) + "\\\"}";
        JsonNode n = body("{\"choices\":[{\"message\":{\"content\":\"my key is sk-live-ABCDEF123456 ok\","
                + "\"tool_calls\":[{\"function\":{\"name\":\"write\",\"arguments\":\"" + args + "\"}}]}}],"
                + "\"api_key\":\"whatever\",\"max_tokens\":10}");
        assertThat(n.at("/choices/0/message/content").asString()).isEqualTo("my key is [redacted] ok");
        String a = n.at("/choices/0/message/tool_calls/0/function/arguments").asString();
        assertThat(a).hasSizeLessThan(400).contains("[truncated");
        assertThat(n.path("api_key").asString()).isEqualTo("[redacted]");
        assertThat(n.path("max_tokens").asInt()).isEqualTo(10);
    }

    @Test
    void redactsCredentialHeadersAndBearerTokensInText() {
        JsonNode h = Redactor.headers(
                Map.of("Authorization", "Bearer rly-abcdef", "x-api-key", "k", "user-agent", "Anthropic/Java 3.14.0"));
        assertThat(h.path("Authorization").asString()).isEqualTo("[redacted]");
        assertThat(h.path("x-api-key").asString()).isEqualTo("[redacted]");
        assertThat(h.path("user-agent").asString()).isEqualTo("Anthropic/Java 3.14.0");
        assertThat(Redactor.text("data: {\"auth\":\"Bearer abc.def-123456\"}", 100))
                .doesNotContain("abc.def");
    }

    @Test
    void keepsSseTranscriptsAsRedactedText() {
        JsonNode n = body(
                "event: message_start\ndata: {\"type\":\"message_start\",\"text\":\"sk-ant-api03-XYZXYZXYZ\"}\n\n");
        assertThat(n.isString()).isTrue();
        assertThat(n.asString()).startsWith("event: message_start").doesNotContain("XYZXYZ");
    }
}
