package dev.relay.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AnthropicOverOpenAiStreamTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern EVENT = Pattern.compile("event: ([a-z_]+)\ndata: (\\{.*})\n\n", Pattern.DOTALL);
    private static final String MSG_ID = "msg_test01";

    /** gpt-4o-mini answering with text; a keep-alive comment in between. */
    private static final String TEXT = """
            data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

            : keep-alive

            data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":", wörld \\"quoted\\""},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

            data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_1","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":3,"total_tokens":23,"prompt_tokens_details":{"cached_tokens":8,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}

            data: [DONE]

            """;

    /** deepseek-reasoner: reasoning_content first, then content. */
    private static final String REASONING = """
            data: {"id":"9f1c","object":"chat.completion.chunk","created":1730000001,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}]}

            data: {"id":"9f1c","object":"chat.completion.chunk","created":1730000001,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"The user"},"logprobs":null,"finish_reason":null}]}

            data: {"id":"9f1c","object":"chat.completion.chunk","created":1730000001,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" wants 2+2."},"logprobs":null,"finish_reason":null}]}

            data: {"id":"9f1c","object":"chat.completion.chunk","created":1730000001,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"4","reasoning_content":null},"logprobs":null,"finish_reason":null}]}

            data: {"id":"9f1c","object":"chat.completion.chunk","created":1730000001,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":".","reasoning_content":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":9,"total_tokens":19,"prompt_tokens_details":{"cached_tokens":0},"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":10}}

            data: [DONE]

            """;

    /** gpt-4o making two parallel calls, in order (what OpenAI sends): all of call 0, then all of call 1. */
    private static final String PARALLEL_IN_ORDER = """
            data: {"id":"chatcmpl-B2","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_weather","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-B2","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"ci"}}]},"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-B2","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\\": \\"Paris\\"}"}}]},"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-B2","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_time","type":"function","function":{"name":"get_time","arguments":""}}]},"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-B2","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\\"tz\\":"}}]},"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-B2","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":" \\"CET\\"}"}}]},"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-B2","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null}

            data: {"id":"chatcmpl-B2","object":"chat.completion.chunk","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":80,"completion_tokens":40,"total_tokens":120}}

            data: [DONE]

            """;

    /** Two parallel calls whose argument fragments interleave (0, 1, 0, 1), as some compatible servers send. */
    private static final String PARALLEL_INTERLEAVED = """
            data: {"id":"c3","object":"chat.completion.chunk","model":"qwen3","choices":[{"index":0,"delta":{"role":"assistant","content":"Checking both."},"finish_reason":null}]}

            data: {"id":"c3","object":"chat.completion.chunk","model":"qwen3","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_0","type":"function","function":{"name":"read_file","arguments":""}}]},"finish_reason":null}]}

            data: {"id":"c3","object":"chat.completion.chunk","model":"qwen3","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_1","type":"function","function":{"name":"list_dir","arguments":""}}]},"finish_reason":null}]}

            data: {"id":"c3","object":"chat.completion.chunk","model":"qwen3","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"path\\":"}}]},"finish_reason":null}]}

            data: {"id":"c3","object":"chat.completion.chunk","model":"qwen3","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\\"dir\\":"}}]},"finish_reason":null}]}

            data: {"id":"c3","object":"chat.completion.chunk","model":"qwen3","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" \\"a}.txt\\"}"}}]},"finish_reason":null}]}

            data: {"id":"c3","object":"chat.completion.chunk","model":"qwen3","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":" \\"src\\"}"}}]},"finish_reason":null}]}

            data: {"id":"c3","object":"chat.completion.chunk","model":"qwen3","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":50,"completion_tokens":30,"total_tokens":80}}

            data: [DONE]

            """;

    /** An in-band error after some text; the upstream keeps talking afterwards. */
    private static final String IN_BAND_ERROR = """
            data: {"id":"c4","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Par"},"finish_reason":null}]}

            data: {"error":{"message":"The server is overloaded, please retry","type":"server_error","code":"overloaded"}}

            data: {"id":"c4","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"tial"},"finish_reason":"stop"}]}

            data: [DONE]

            """;

    // ------------------------------------------------------------------------------------------------ sequences

    @Test
    void translatesATextStreamIntoTheCanonicalEventSequence() {
        AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("claude-sonnet-4-5", MSG_ID);
        List<Ev> out = events(feed(s, TEXT, Integer.MAX_VALUE));

        assertThat(types(out))
                .containsExactly(
                        "message_start",
                        "ping",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        JsonNode message = out.get(0).json.get("message");
        assertThat(message.get("id").stringValue()).isEqualTo(MSG_ID);
        assertThat(message.get("model").stringValue()).isEqualTo("claude-sonnet-4-5");
        assertThat(message.get("role").stringValue()).isEqualTo("assistant");
        assertThat(message.get("content").isEmpty()).isTrue();
        assertThat(message.get("usage").get("input_tokens").asInt()).isZero();
        assertThat(message.get("usage").get("output_tokens").asInt()).isZero();
        assertThat(out.get(2).json.get("index").asInt()).isZero();
        assertThat(out.get(2).json.get("content_block").toString()).isEqualTo("{\"type\":\"text\",\"text\":\"\"}");
        assertThat(out.get(3).json.get("delta").toString()).isEqualTo("{\"type\":\"text_delta\",\"text\":\"Hello\"}");
        assertThat(out.get(4).json.at("/delta/text").stringValue()).isEqualTo(", wörld \"quoted\"");
        assertThat(out.get(5).json.get("index").asInt()).isZero();
        JsonNode delta = out.get(6).json;
        assertThat(delta.at("/delta/stop_reason").stringValue()).isEqualTo("end_turn");
        assertThat(delta.at("/delta/stop_sequence").isNull()).isTrue();
        assertThat(delta.get("usage").toString())
                .isEqualTo("{\"input_tokens\":12,\"output_tokens\":3,\"cache_read_input_tokens\":8}");

        assertThat(s.completed()).isTrue();
        assertThat(s.usage()).isEqualTo(new dev.relay.contracts.UsageRecorded.TokenUsage(20, 3, 8, 0, false));
        assertThat(s.deliveredText()).isEqualTo("Hello, wörld \"quoted\"");
    }

    @Test
    void messageStartCarriesTheLocalInputEstimateAndMessageDeltaTheUpstreamsUsage() {
        AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("claude-sonnet-4-5", MSG_ID, 1234);
        List<Ev> out = events(feed(s, TEXT, 7));

        assertThat(out.get(0).name).isEqualTo("message_start");
        assertThat(out.get(0).json.at("/message/usage").toString())
                .isEqualTo("{\"input_tokens\":1234,\"output_tokens\":0}");
        Ev delta = out.get(out.size() - 2);
        assertThat(delta.name).isEqualTo("message_delta");
        assertThat(delta.json.get("usage").toString())
                .isEqualTo("{\"input_tokens\":12,\"output_tokens\":3,\"cache_read_input_tokens\":8}");
        assertThat(s.usage())
                .as("only the upstream's usage is metered")
                .isEqualTo(new dev.relay.contracts.UsageRecorded.TokenUsage(20, 3, 8, 0, false));

        // started by the first upstream event, so also when that is [DONE]; a negative estimate is shown as 0
        List<Ev> bare = events(feed(AnthropicOverOpenAi.stream("m", MSG_ID, 42), "data: [DONE]\n\n", 100));
        assertThat(bare.get(0).json.at("/message/usage/input_tokens").asLong()).isEqualTo(42);
        List<Ev> negative = events(feed(AnthropicOverOpenAi.stream("m", MSG_ID, -5), TEXT, 100));
        assertThat(negative.get(0).json.at("/message/usage/input_tokens").asLong())
                .isZero();
    }

    @Test
    void translatesReasoningContentIntoAThinkingBlockBeforeTheText() {
        AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("deepseek-r1", MSG_ID);
        List<Ev> out = events(feed(s, REASONING, Integer.MAX_VALUE));

        assertThat(types(out))
                .containsExactly(
                        "message_start",
                        "ping",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        assertThat(out.get(2).json.get("content_block").toString())
                .isEqualTo("{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
        assertThat(out.get(3).json.get("delta").toString())
                .isEqualTo("{\"type\":\"thinking_delta\",\"thinking\":\"The user\"}");
        assertThat(out.get(4).json.at("/delta/thinking").stringValue()).isEqualTo(" wants 2+2.");
        assertThat(out.get(5).json.get("delta").toString())
                .isEqualTo("{\"type\":\"signature_delta\",\"signature\":\"\"}");
        assertThat(out.get(6).json.get("index").asInt()).isZero();
        assertThat(out.get(7).json.get("index").asInt()).isEqualTo(1);
        assertThat(out.get(7).json.at("/content_block/type").stringValue()).isEqualTo("text");
        assertThat(out.get(8).json.at("/delta/text").stringValue()).isEqualTo("4");
        assertThat(out.get(9).json.at("/delta/text").stringValue()).isEqualTo(".");
        assertThat(out.get(10).json.get("index").asInt()).isEqualTo(1);
        assertThat(out.get(11).json.get("usage").toString()).isEqualTo("{\"input_tokens\":10,\"output_tokens\":9}");
        assertThat(s.completed()).isTrue();
    }

    @Test
    void translatesParallelToolCallDeltasIntoTwoToolUseBlocks() {
        AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("claude-x", MSG_ID);
        List<Ev> out = events(feed(s, PARALLEL_IN_ORDER, Integer.MAX_VALUE));

        assertThat(types(out))
                .containsExactly(
                        "message_start",
                        "ping",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        assertThat(out.get(2).json.toString())
                .isEqualTo("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\","
                        + "\"id\":\"call_weather\",\"name\":\"get_weather\",\"input\":{}}}");
        // streamed live, fragment by fragment
        assertThat(out.get(3).json.get("delta").toString())
                .isEqualTo("{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"ci\"}");
        assertThat(out.get(4).json.at("/delta/partial_json").stringValue()).isEqualTo("ty\": \"Paris\"}");
        assertThat(out.get(6).json.at("/content_block/id").stringValue()).isEqualTo("call_time");
        assertThat(out.get(6).json.at("/content_block/name").stringValue()).isEqualTo("get_time");
        assertThat(out.get(6).json.get("index").asInt()).isEqualTo(1);
        assertThat(out.get(9).json.get("index").asInt()).isEqualTo(1);
        assertThat(inputs(out)).containsExactly("{\"city\":\"Paris\"}", "{\"tz\":\"CET\"}");
        assertThat(out.get(10).json.at("/delta/stop_reason").stringValue()).isEqualTo("tool_use");
        assertThat(out.get(10).json.get("usage").toString()).isEqualTo("{\"input_tokens\":80,\"output_tokens\":40}");
        assertThat(s.deliveredText()).isEqualTo("{\"city\": \"Paris\"}{\"tz\": \"CET\"}");
    }

    @Test
    void buffersInterleavedToolArgumentsUntilTheEarlierCallIsComplete() {
        AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("claude-x", MSG_ID);
        List<Ev> out = events(feed(s, PARALLEL_INTERLEAVED, Integer.MAX_VALUE));

        assertThat(types(out))
                .containsExactly(
                        "message_start",
                        "ping",
                        "content_block_start", // 0 text
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start", // 1 read_file, live
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop", // its arguments closed (a '}' inside a string does not count)
                        "content_block_start", // 2 list_dir, buffered fragment first, then live
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        assertThat(out.get(5).json.at("/content_block/name").stringValue()).isEqualTo("read_file");
        assertThat(out.get(5).json.get("index").asInt()).isEqualTo(1);
        assertThat(out.get(9).json.at("/content_block/name").stringValue()).isEqualTo("list_dir");
        assertThat(out.get(9).json.at("/content_block/id").stringValue()).isEqualTo("call_1");
        assertThat(out.get(10).json.at("/delta/partial_json").stringValue()).isEqualTo("{\"dir\":");
        assertThat(out.get(10).json.get("index").asInt()).isEqualTo(2);
        assertThat(inputs(out)).containsExactly("{\"path\":\"a}.txt\"}", "{\"dir\":\"src\"}");
        assertThat(out.get(13).json.at("/delta/stop_reason").stringValue()).isEqualTo("tool_use");
    }

    @Test
    void flushesAToolCallBufferedBehindAnUnfinishedOneAtTheEnd() {
        String transcript = chunk(
                        "{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":\"}}]}")
                + chunk(
                        "{\"tool_calls\":[{\"index\":1,\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}")
                + chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"1\"}}]}") // never closes its '{'
                + "data: [DONE]\n\n";
        List<Ev> out = events(feed(AnthropicOverOpenAi.stream("m", MSG_ID), transcript, Integer.MAX_VALUE));

        assertThat(types(out))
                .containsExactly(
                        "message_start",
                        "ping",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        assertThat(out.get(6).json.at("/content_block/id").stringValue()).isEqualTo("b");
        assertThat(out.get(7).json.at("/delta/partial_json").stringValue()).isEqualTo("{}");
    }

    @Test
    void generatesToolIdsAndReportsToolUseEvenWhenTheUpstreamSaysStop() {
        String transcript = chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}")
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n";
        List<Ev> out = events(feed(AnthropicOverOpenAi.stream("m", "msg_abc"), transcript, Integer.MAX_VALUE));

        assertThat(out.get(2).json.at("/content_block/id").stringValue()).isEqualTo("toolu_abc_0");
        assertThat(out.get(out.size() - 2).json.at("/delta/stop_reason").stringValue())
                .isEqualTo("tool_use");
    }

    @Test
    void tellsToolCallsWithoutAnIndexApartByTheirIds() {
        // Gemini's OpenAI compatibility sends each call whole, without "index"
        String transcript = chunk("{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"fc-1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"a\",\"arguments\":\"{\\\"q\\\":1}\"}},{\"id\":\"fc-2\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"b\",\"arguments\":\"{\\\"q\\\":2}\"}}]}")
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                + "data: [DONE]\n\n";
        List<Ev> out = events(feed(AnthropicOverOpenAi.stream("m", MSG_ID), transcript, Integer.MAX_VALUE));

        assertThat(out.stream()
                        .filter(e -> e.name.equals("content_block_start"))
                        .map(e -> e.json.at("/content_block/id").stringValue()))
                .containsExactly("fc-1", "fc-2");
        assertThat(inputs(out)).containsExactly("{\"q\":1}", "{\"q\":2}");
    }

    @Test
    void startsANewTextBlockWhenTextFollowsToolCalls() {
        String transcript = chunk("{\"content\":\"a\"}")
                + chunk(
                        "{\"tool_calls\":[{\"index\":0,\"id\":\"t\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}")
                + chunk("{\"content\":\"b\"}")
                + "data: [DONE]\n\n";
        List<Ev> out = events(feed(AnthropicOverOpenAi.stream("m", MSG_ID), transcript, Integer.MAX_VALUE));

        assertThat(out.stream()
                        .filter(e -> e.name.equals("content_block_start"))
                        .map(e -> e.json.at("/content_block/type").stringValue() + "@"
                                + e.json.get("index").asInt()))
                .containsExactly("text@0", "tool_use@1", "text@2");
    }

    // ------------------------------------------------------------------------------------------ failures, ending

    @Test
    void endsACutOffStreamWithAnErrorEventAndNoMessageStop() {
        String cut = TEXT.substring(0, TEXT.indexOf("wörld") + 3);
        AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("m", MSG_ID);
        List<byte[]> raw = feed(s, cut, 7);
        assertThat(s.completed()).isFalse();
        raw.addAll(s.fail("upstream stalled for 30s", "upstream_timeout"));
        List<Ev> out = events(raw);

        assertThat(types(out))
                .containsExactly("message_start", "ping", "content_block_start", "content_block_delta", "error");
        assertThat(out.getLast().json.toString())
                .isEqualTo(
                        "{\"type\":\"error\",\"error\":{\"type\":\"timeout_error\",\"message\":\"upstream stalled for 30s\"}}");
        assertThat(s.completed()).isFalse();
        assertThat(s.usage()).isNull();
        assertThat(s.deliveredText()).isEqualTo("Hello");
        assertThat(s.fail("again", "upstream_error")).isEmpty();
    }

    @Test
    void failsWithAnApiErrorForOtherCodes() {
        AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("m", MSG_ID);
        assertThat(s.accept(": ping\n\n".getBytes(StandardCharsets.UTF_8))).isEmpty();
        List<Ev> out = events(s.fail("connection reset", "upstream_error"));
        assertThat(types(out)).containsExactly("error");
        assertThat(out.get(0).json.at("/error/type").stringValue()).isEqualTo("api_error");
        assertThat(out.get(0).json.at("/error/message").stringValue()).isEqualTo("connection reset");
    }

    @Test
    void turnsAnInBandUpstreamErrorIntoAnErrorEventAndSendsNothingAfterIt() {
        AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("m", MSG_ID);
        List<byte[]> raw = feed(s, IN_BAND_ERROR, Integer.MAX_VALUE);
        List<Ev> out = events(raw);

        assertThat(types(out))
                .containsExactly("message_start", "ping", "content_block_start", "content_block_delta", "error");
        assertThat(out.getLast().json.at("/error/type").stringValue()).isEqualTo("overloaded_error");
        assertThat(out.getLast().json.at("/error/message").stringValue())
                .isEqualTo("The server is overloaded, please retry");
        assertThat(s.completed()).isFalse();
        assertThat(s.fail("ended without completing", "upstream_error")).isEmpty();
    }

    @Test
    void mapsOtherInBandErrorsToApiError() {
        String transcript = "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"code\":null}}\n\n";
        List<Ev> out = events(feed(AnthropicOverOpenAi.stream("m", MSG_ID), transcript, Integer.MAX_VALUE));
        assertThat(types(out)).containsExactly("error");
        assertThat(out.get(0).json.at("/error/type").stringValue()).isEqualTo("api_error");
    }

    @Test
    void completesOnATrailingDoneWithoutItsBlankLine() {
        String transcript = TEXT.substring(0, TEXT.lastIndexOf("data: [DONE]")) + "data: [DONE]";
        AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("m", MSG_ID);
        List<byte[]> raw = new ArrayList<>(s.accept(transcript.getBytes(StandardCharsets.UTF_8)));
        assertThat(s.completed()).isFalse();
        List<byte[]> tail = s.finish();
        raw.addAll(tail);
        assertThat(types(events(tail))).containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(s.completed()).isTrue();
        assertThat(s.fail("x", "upstream_error")).isEmpty();
    }

    @Test
    void aFinishReasonWithoutDoneIsNotACompletedStream() {
        String cut = TEXT.substring(0, TEXT.lastIndexOf("data: [DONE]"));
        AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("m", MSG_ID);
        List<Ev> out = events(feed(s, cut, Integer.MAX_VALUE));
        assertThat(s.completed()).isFalse();
        assertThat(s.usage()).isNotNull();
        assertThat(types(out)).doesNotContain("message_stop", "message_delta");
    }

    @Test
    void ignoresEverythingAfterDone() {
        String transcript = TEXT + chunk("{\"content\":\"late\"}") + "data: [DONE]\n\n";
        List<Ev> out = events(feed(AnthropicOverOpenAi.stream("m", MSG_ID), transcript, Integer.MAX_VALUE));
        assertThat(types(out).getLast()).isEqualTo("message_stop");
        assertThat(types(out).stream().filter("message_stop"::equals)).hasSize(1);
    }

    // ------------------------------------------------------------------------------------------ framing, chunking

    @Test
    void emitsTheSameEventsWhateverTheChunking() {
        for (String transcript : List.of(TEXT, REASONING, PARALLEL_IN_ORDER, PARALLEL_INTERLEAVED, IN_BAND_ERROR)) {
            List<String> reference =
                    strings(feed(AnthropicOverOpenAi.stream("m", MSG_ID), transcript, Integer.MAX_VALUE));
            for (int size = 1; size <= 64; size++) {
                assertThat(strings(feed(AnthropicOverOpenAi.stream("m", MSG_ID), transcript, size)))
                        .as("chunk size %d", size)
                        .isEqualTo(reference);
            }
        }
    }

    @Test
    void handlesCrLfEventSeparators() {
        for (String transcript : List.of(TEXT, REASONING, PARALLEL_IN_ORDER, PARALLEL_INTERLEAVED)) {
            List<String> reference =
                    strings(feed(AnthropicOverOpenAi.stream("m", MSG_ID), transcript, Integer.MAX_VALUE));
            String crlf = transcript.replace("\n", "\r\n");
            for (int size : new int[] {1, 2, 3, 5, 17, Integer.MAX_VALUE}) {
                AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("m", MSG_ID);
                assertThat(strings(feed(s, crlf, size)))
                        .as("chunk size %d", size)
                        .isEqualTo(reference);
                assertThat(s.completed()).isTrue();
            }
        }
    }

    @Test
    void everyEventIsOneCompleteNamedEventWhoseTypeMatchesItsName() {
        for (String transcript : List.of(TEXT, REASONING, PARALLEL_IN_ORDER, PARALLEL_INTERLEAVED, IN_BAND_ERROR)) {
            AnthropicOverOpenAiStream s = AnthropicOverOpenAi.stream("m", MSG_ID);
            List<byte[]> raw = feed(s, transcript, 13);
            raw.addAll(s.fail("x", "upstream_error"));
            for (String e : strings(raw)) {
                Matcher m = EVENT.matcher(e);
                assertThat(m.matches()).as(e).isTrue();
                assertThat(m.group(2)).doesNotContain("\n");
                assertThat(JSON.readTree(m.group(2)).get("type").stringValue()).isEqualTo(m.group(1));
            }
        }
    }

    // --------------------------------------------------------------------------------------------------- helpers

    private record Ev(String name, JsonNode json) {}

    private static String chunk(String delta) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":null}]}\n\n";
    }

    private static List<byte[]> feed(AnthropicOverOpenAiStream s, String transcript, int chunkSize) {
        byte[] all = transcript.getBytes(StandardCharsets.UTF_8);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < all.length; i += chunkSize) {
            out.addAll(s.accept(Arrays.copyOfRange(all, i, (int) Math.min(all.length, (long) i + chunkSize))));
        }
        out.addAll(s.finish());
        return out;
    }

    private static List<String> strings(List<byte[]> events) {
        return events.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    private static List<Ev> events(List<byte[]> raw) {
        List<Ev> out = new ArrayList<>();
        for (String e : strings(raw)) {
            Matcher m = EVENT.matcher(e);
            assertThat(m.matches()).as(e).isTrue();
            out.add(new Ev(m.group(1), JSON.readTree(m.group(2))));
        }
        return out;
    }

    private static List<String> types(List<Ev> events) {
        return events.stream().map(Ev::name).toList();
    }

    /** The tool inputs the client reassembles: each tool_use block's partial_json concatenated, parsed. */
    private static List<String> inputs(List<Ev> events) {
        List<String> result = new ArrayList<>();
        StringBuilder current = null;
        int currentIndex = -1;
        for (Ev e : events) {
            if (e.name.equals("content_block_start")
                    && e.json.at("/content_block/type").stringValue().equals("tool_use")) {
                current = new StringBuilder();
                currentIndex = e.json.get("index").asInt();
            } else if (e.name.equals("content_block_delta") && current != null) {
                assertThat(e.json.get("index").asInt()).isEqualTo(currentIndex);
                current.append(e.json.at("/delta/partial_json").stringValue());
            } else if (e.name.equals("content_block_stop") && current != null) {
                assertThat(e.json.get("index").asInt()).isEqualTo(currentIndex);
                result.add(JSON.readTree(current.toString()).toString());
                current = null;
            }
        }
        return result;
    }
}
