package dev.relay.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.gateway.wire.BadRequestException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LocalTokenCounterTests {

    private static final TokenEstimator TOKENIZER = new TokenEstimator();

    private static long count(String body) {
        return LocalTokenCounter.countMessagesRequest(body.getBytes(StandardCharsets.UTF_8), TOKENIZER);
    }

    @Test
    void countsWithTheChatAccountingOfARealTokenizer() {
        // "Hello world" is 2 tokens in o200k_base; "user" 1; 3 per message; 3 to prime the reply
        assertThat(count("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello world\"}]}"))
                .isEqualTo(2 + 1 + 3 + 3);
    }

    @Test
    void growsWithTheSystemPromptAndTheToolDefinitions() {
        long base = count("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather?\"}]}");
        long withSystem = count("{\"model\":\"m\",\"system\":\"You are terse.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather?\"}]}");
        long withTools = count("{\"model\":\"m\",\"system\":\"You are terse.\","
                + "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather for a city\","
                + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather?\"}]}");
        assertThat(withSystem).isGreaterThan(base);
        assertThat(withTools).isGreaterThan(withSystem + 10);
    }

    @Test
    void rejectsAMalformedBody() {
        assertThatThrownBy(() -> count("{\"model\":")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> count("{\"model\":\"m\",\"messages\":\"x\"}")).isInstanceOf(BadRequestException.class);
    }
}
