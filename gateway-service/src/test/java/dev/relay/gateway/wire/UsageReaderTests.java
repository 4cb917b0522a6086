package dev.relay.gateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * One reader for every vendor's usage shape, and the same figures from both entry points (bytes on the hot path, a
 * parsed tree in the translators), so cached tokens are metered alike whatever client API the request came in with.
 */
class UsageReaderTests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Both entry points, checked to agree. */
    static TokenUsage read(String usage) {
        byte[] body = ("{\"id\":\"x\",\"usage\":" + usage + "}").getBytes(StandardCharsets.UTF_8);
        TokenUsage fromBytes = UsageReader.fromBody(body, 0, body.length);
        TokenUsage fromTree = UsageReader.fromUsage(JSON.readTree(usage));
        assertThat(fromTree).as("tree and byte readers agree on " + usage).isEqualTo(fromBytes);
        return fromBytes;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "OpenAI chat | {\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":64,\"audio_tokens\":0},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":5}} | 100 | 20 | 64 | 0",
                "OpenAI Responses | {\"input_tokens\":100,\"input_tokens_details\":{\"cached_tokens\":32},"
                        + "\"output_tokens\":20,\"output_tokens_details\":{\"reasoning_tokens\":3},\"total_tokens\":120}"
                        + " | 100 | 20 | 32 | 0",
                "DeepSeek | {\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120,"
                        + "\"prompt_cache_hit_tokens\":80,\"prompt_cache_miss_tokens\":20} | 100 | 20 | 80 | 0",
                "DeepSeek with details | {\"prompt_tokens\":100,\"completion_tokens\":20,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":80},\"prompt_cache_hit_tokens\":80,"
                        + "\"prompt_cache_miss_tokens\":20} | 100 | 20 | 80 | 0",
                "Kimi | {\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120,\"cached_tokens\":48}"
                        + " | 100 | 20 | 48 | 0",
                "Qwen / GLM | {\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":16}} | 100 | 20 | 16 | 0",
                "no cache reported | {\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10} | 7 | 3 | 0 | 0",
                "Anthropic | {\"input_tokens\":10,\"output_tokens\":20,\"cache_read_input_tokens\":90,"
                        + "\"cache_creation_input_tokens\":30,\"service_tier\":\"standard\"} | 10 | 20 | 90 | 30",
            })
    void everyVendorShapeIsReadTheSameByBothEntryPoints(
            String vendor, String usage, long prompt, long completion, long cached, long cacheWrite) {
        TokenUsage u = read(usage);
        assertThat(u.promptTokens()).as(vendor).isEqualTo(prompt);
        assertThat(u.completionTokens()).as(vendor).isEqualTo(completion);
        assertThat(u.cacheReadTokens()).as(vendor).isEqualTo(cached);
        assertThat(u.cacheWriteTokens()).as(vendor).isEqualTo(cacheWrite);
        assertThat(u.estimated()).isFalse();
    }

    @Test
    void aResponsesStreamEventNestsTheUsageInItsResponse() {
        byte[] event = ("{\"type\":\"response.completed\",\"sequence_number\":9,\"response\":{\"id\":\"r\","
                        + "\"output\":[{\"type\":\"message\"}],\"usage\":{\"input_tokens\":5,\"output_tokens\":2}}}")
                .getBytes(StandardCharsets.UTF_8);
        TokenUsage u = UsageReader.fromBody(event, 0, event.length);
        assertThat(u.promptTokens()).isEqualTo(5);
        assertThat(u.completionTokens()).isEqualTo(2);
    }

    @Test
    void noUsageOrNoJsonIsNull() {
        byte[] none = "{\"id\":\"x\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(UsageReader.fromBody(none, 0, none.length)).isNull();
        byte[] junk = "not json".getBytes(StandardCharsets.UTF_8);
        assertThat(UsageReader.fromBody(junk, 0, junk.length)).isNull();
        assertThat(UsageReader.fromUsage(null)).isNull();
        assertThat(UsageReader.fromUsage(JSON.readTree("[1]"))).isNull();
    }
}
