package dev.relay.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.gateway.wire.BadRequestException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChatRequestTests {

    private static ChatRequest inspect(String json) {
        return ChatRequest.inspect(json.getBytes(StandardCharsets.UTF_8), true);
    }

    private static String rewrite(String json, String upstream, boolean includeUsage) {
        return new String(inspect(json).rewrite(upstream, includeUsage), StandardCharsets.UTF_8);
    }

    @Test
    void rewritesOnlyTheModelBytesAndKeepsEverythingElseVerbatim() {
        String body =
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi \\\"model\\\": x\"}]}],"
                        + "  \"model\" : \"gpt-4o\", \"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}],"
                        + "\"response_format\":{\"type\":\"json_object\"},\"temperature\":0.20}";
        String out = rewrite(body, "deepseek-chat", false);
        assertThat(out).isEqualTo(body.replace("\"gpt-4o\"", "\"deepseek-chat\""));
    }

    @Test
    void returnsTheSameBytesWhenNothingChanges() {
        ChatRequest r = inspect("{\"model\":\"m\",\"messages\":[]}");
        assertThat(r.rewrite("m", true)).isSameAs(r.body());
    }

    @Test
    void asksForUsageOnStreamsTheClientDidNotAskFor() {
        assertThat(rewrite("{\"model\":\"m\",\"stream\":true}", "u", true))
                .isEqualTo("{\"stream_options\":{\"include_usage\":true},\"model\":\"u\",\"stream\":true}");
        assertThat(rewrite("{\"model\":\"m\",\"stream\":true,\"stream_options\":{}}", "m", true))
                .isEqualTo("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertThat(rewrite("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"x\":1}}", "m", true))
                .isEqualTo("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true,\"x\":1}}");
        assertThat(rewrite("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":false}}", "m", true))
                .isEqualTo("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        ChatRequest asked = inspect("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertThat(asked.clientIncludesUsage()).isTrue();
        assertThat(asked.rewrite("m", true)).isSameAs(asked.body());
    }

    @Test
    void leavesNonStreamingRequestsWithoutStreamOptions() {
        assertThat(rewrite("{\"model\":\"m\"}", "m", true)).isEqualTo("{\"model\":\"m\"}");
    }

    @Test
    void escapesAnUpstreamNameThatNeedsIt() {
        assertThat(rewrite("{\"model\":\"m\"}", "a\"b", false)).isEqualTo("{\"model\":\"a\\\"b\"}");
    }

    @Test
    void rejectsMalformedBodiesWithAClearMessage() {
        assertThatThrownBy(() -> inspect("{\"model\":\"m\","))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> inspect("[1,2]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> inspect("{\"messages\":[]}")).hasMessageContaining("'model' is required");
        assertThatThrownBy(() -> inspect("{\"model\":3}")).hasMessageContaining("'model' must be a string");
        assertThatThrownBy(() -> inspect("{\"model\":\"m\",\"stream\":\"yes\"}"))
                .hasMessageContaining("'stream'");
        assertThatThrownBy(() -> inspect("{\"model\":\"m\"} {}")).hasMessageContaining("after the JSON object");
        assertThatThrownBy(() -> ChatRequest.inspect(new byte[0], true)).hasMessageContaining("empty");
    }

    @Test
    void noticesDeclaredToolsButNotAnEmptyToolsArray() {
        assertThat(inspect("{\"model\":\"m\",\"tools\":[{\"name\":\"a\",\"input_schema\":{}}]}")
                        .hasTools())
                .isTrue();
        assertThat(inspect("{\"model\":\"m\",\"tools\":[],\"stream\":true}").hasTools())
                .isFalse();
        assertThat(inspect("{\"tools\":null,\"model\":\"m\"}").hasTools()).isFalse();
        assertThat(inspect("{\"model\":\"m\",\"tools\":[[1],{\"a\":[]}],\"stream\":true}").stream())
                .isTrue();
    }
}
