package dev.relay.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The Messages API's {@code max_tokens} requirement, checked at the edge whatever protocol the channel speaks (read by
 * {@link ChatRequest} in its one scan of the body).
 */
class EdgeApiBodyChecksTests {

    private static String problem(String body) {
        return ChatRequest.inspect(body.getBytes(StandardCharsets.UTF_8), false).maxTokensProblem();
    }

    @Test
    void acceptsAPositiveIntegerMaxTokensAnywhereAtTheTopLevel() {
        assertThat(problem("{\"model\":\"m\",\"max_tokens\":1024,\"messages\":[]}"))
                .isNull();
        assertThat(problem("{\"messages\":[{\"role\":\"user\",\"content\":{\"max_tokens\":\"x\"}}],\"max_tokens\":1}"))
                .isNull();
    }

    @Test
    void refusesAMissingNullOrInvalidMaxTokens() {
        assertThat(problem("{\"model\":\"m\",\"messages\":[]}")).isEqualTo("max_tokens: field required");
        assertThat(problem("{\"model\":\"m\",\"max_tokens\":null}")).isEqualTo("max_tokens: field required");
        assertThat(problem("{\"metadata\":{\"max_tokens\":5}}"))
                .as("only the top level counts")
                .isEqualTo("max_tokens: field required");
        assertThat(problem("{\"max_tokens\":0}")).isEqualTo("max_tokens: must be a positive integer");
        assertThat(problem("{\"max_tokens\":-3}")).isEqualTo("max_tokens: must be a positive integer");
        assertThat(problem("{\"max_tokens\":1.5}")).isEqualTo("max_tokens: must be a positive integer");
        assertThat(problem("{\"max_tokens\":\"100\"}")).isEqualTo("max_tokens: must be a positive integer");
        assertThat(problem("{\"max_tokens\":123456789012345678901234567890}"))
                .isEqualTo("max_tokens: must be a positive integer");
    }
}
