package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.Reasoning;
import com.openai.models.ReasoningEffort;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import dev.relay.contracts.UsageRecorded;
import dev.relay.gateway.translate.DroppedFields;
import dev.relay.gateway.wire.UsageReader;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/responses} on channels that have no Responses API — a chat-only OpenAI-compatible channel and an
 * Anthropic channel — through the official {@code openai-java} SDK's Responses client (response validation on), plain
 * and streamed, a Codex-shaped tool loop, and Codex's own recorded request (namespace and built-in tools, the fields
 * it sends on every request).
 */
class ResponsesApiIntegrationTests extends SdkIntegrationSupport {

    private UsageReader usage;

    @BeforeEach
    void readUsageFromNow() {
        usage = new UsageReader();
    }

    @AfterEach
    void closeReader() {
        usage.close();
    }

    record Setup(String key, String model, String sc, String upstreamPath) {}

    private Setup setup(String protocol, String upstreamModel, Map<String, String> headers) {
        String key = newClientKey();
        String sc = scenario();
        String model = uniqueModel();
        Map<String, String> h = new java.util.HashMap<>(headers);
        h.put("x-sim-scenario-id", sc);
        // a chat-only channel: no Responses API of its own, so the edge translates
        newChannel(model, upstreamModel, "sk-up-" + sc, protocol, h, Map.of("responses", false));
        awaitModelVisible(key, model);
        return new Setup(key, model, sc, protocol.equals("ANTHROPIC") ? "/v1/messages" : "/v1/chat/completions");
    }

    private static String text(Response r) {
        StringBuilder sb = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            item.message()
                    .ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> sb.append(t.text()))));
        }
        return sb.toString();
    }

    private static FunctionTool execCommand() {
        return FunctionTool.builder()
                .name("exec_command")
                .description("Runs a shell command")
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("cmd", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("cmd")))
                        .build())
                .strict(false)
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"OPENAI,sim-gpt-4o", "ANTHROPIC,sim-claude-sonnet"})
    void theSdkGetsAValidResponseAndTheRequestIsMeteredOnce(String protocol, String upstreamModel) {
        Setup s = setup(protocol, upstreamModel, Map.of("x-sim-cache-read", "3"));

        Response r = openAi(s.key())
                .responses()
                .create(ResponseCreateParams.builder()
                        .model(s.model())
                        .instructions("be brief")
                        .input("hello there, assistant")
                        .maxOutputTokens(200)
                        .build());

        assertThat(r.status()).contains(ResponseStatus.COMPLETED);
        assertThat(r.model().asString()).isEqualTo(s.model());
        assertThat(text(r)).isNotBlank();
        assertThat(r.usage()).hasValueSatisfying(u -> {
            assertThat(u.outputTokens()).isPositive();
            assertThat(u.inputTokensDetails().cachedTokens()).isEqualTo(3);
        });
        JsonNode sent = onlyUpstreamRequest(s.sc());
        assertThat(sent.path("path").asString()).endsWith(s.upstreamPath());
        JsonNode body = body(sent);
        if (protocol.equals("ANTHROPIC")) {
            assertThat(body.path("system").toString()).contains("be brief");
            assertThat(body.path("max_tokens").asInt()).isEqualTo(200);
        } else {
            assertThat(body.at("/messages/0/role").asString()).isEqualTo("system");
            assertThat(body.path("max_tokens").asInt()).isEqualTo(200);
        }
        UsageRecorded u = usage.awaitModel(s.model(), 1).values().iterator().next();
        assertThat(u.clientApi()).isEqualTo("openai.responses");
        assertThat(u.outcome()).isEqualTo(UsageRecorded.Outcome.OK);
        assertThat(u.usage().estimated()).isFalse();
        assertThat(u.usage().cacheReadTokens()).isEqualTo(3);
        assertThat(u.usage().completionTokens()).isEqualTo(r.usage().get().outputTokens());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"OPENAI,sim-gpt-4o", "ANTHROPIC,sim-claude-sonnet"})
    void theSdkStreamsAResponseWithReasoningThatItsAccumulatorRebuilds(String protocol, String upstreamModel) {
        Setup s = setup(protocol, upstreamModel, Map.of("x-sim-reasoning", "true"));
        ResponseAccumulator acc = ResponseAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        List<Long> sequence = new ArrayList<>();
        ResponseCreateParams params = ResponseCreateParams.builder()
                .model(s.model())
                .input("tell me about the sea")
                .reasoning(Reasoning.builder().effort(ReasoningEffort.MEDIUM).build())
                .build();
        try (StreamResponse<ResponseStreamEvent> stream =
                openAi(s.key()).responses().createStreaming(params)) {
            stream.stream().forEach(e -> {
                acc.accumulate(e);
                e.outputTextDelta().ifPresent(d -> {
                    deltas.append(d.delta());
                    sequence.add(d.sequenceNumber());
                });
            });
        }
        Response r = acc.response();
        assertThat(r.status()).contains(ResponseStatus.COMPLETED);
        assertThat(text(r)).isNotBlank().isEqualTo(deltas.toString());
        assertThat(sequence).isSorted();
        assertThat(r.output()).anySatisfy(item -> assertThat(item.isReasoning()).isTrue());
        assertThat(r.usage())
                .hasValueSatisfying(u -> assertThat(u.outputTokens()).isPositive());
        JsonNode body = body(onlyUpstreamRequest(s.sc()));
        if (protocol.equals("ANTHROPIC")) {
            assertThat(body.at("/thinking/type").asString()).isEqualTo("enabled");
        }
        UsageRecorded u = usage.awaitModel(s.model(), 1).values().iterator().next();
        assertThat(u.stream()).isTrue();
        assertThat(u.outcome()).isEqualTo(UsageRecorded.Outcome.OK);
        assertThat(u.usage().estimated()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"OPENAI,sim-gpt-4o", "ANTHROPIC,sim-claude-sonnet"})
    void aCodexShapedToolLoopRunsTwoTurnsStreamed(String protocol, String upstreamModel) {
        Setup s =
                setup(protocol, upstreamModel, Map.of("x-sim-tool-script", "exec_command {\"cmd\":\"echo relay-ok\"}"));
        OpenAIClient client = openAi(s.key());
        ResponseInputItem ask = ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                .role(EasyInputMessage.Role.USER)
                .content("Run echo relay-ok and tell me what it printed.")
                .build());
        ResponseCreateParams first = ResponseCreateParams.builder()
                .model(s.model())
                .instructions("You are a coding agent.")
                .inputOfResponse(List.of(ask))
                .addTool(execCommand())
                .parallelToolCalls(true)
                .store(false)
                .build();

        Response turn1 = streamed(client, first);
        ResponseFunctionToolCall call = turn1.output().stream()
                .flatMap(i -> i.functionCall().stream())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no function call in " + turn1.output()));
        assertThat(call.name()).isEqualTo("exec_command");
        assertThat(call.arguments()).contains("echo relay-ok");

        ResponseCreateParams second = first.toBuilder()
                .inputOfResponse(List.of(
                        ask,
                        ResponseInputItem.ofFunctionCall(call),
                        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                .callId(call.callId())
                                .output("exit code 0\nrelay-ok")
                                .build())))
                .build();
        Response turn2 = streamed(client, second);
        assertThat(text(turn2)).contains("Tool result received: relay-ok");
        JsonNode sent = simRequests(s.sc()).stream()
                .map(SdkIntegrationSupport::body)
                .toList()
                .getLast();
        assertThat(sent.toString()).contains(call.callId()).contains("relay-ok");
        assertThat(usage.awaitModel(s.model(), 2)).hasSize(2);
    }

    /** Codex's first request as recorded from the pinned version (structure only, see infra/agents). */
    private static ObjectNode codexTurn1() {
        try (java.io.InputStream in =
                ResponsesApiIntegrationTests.class.getResourceAsStream("/agents/codex-0.171.0-turn1.json")) {
            return (ObjectNode) json(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .get("body");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response streamed(OpenAIClient client, ResponseCreateParams params) {
        ResponseAccumulator acc = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(acc::accumulate);
        }
        return acc.response();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"OPENAI,sim-gpt-4o", "ANTHROPIC,sim-claude-sonnet"})
    void codexsRecordedRequestIsServedWithItsNamespaceToolsFlattenedAndWebSearchDroppedAndNamed(
            String protocol, String upstreamModel) {
        Setup s = setup(
                protocol,
                upstreamModel,
                Map.of("x-sim-tool-script", "multi_agent_v1__close_agent {\"target\":\"a1\"}"));
        ObjectNode body = codexTurn1();
        body.put("model", s.model());

        HttpResponse<String> r = post("/v1/responses", s.key(), body.toString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue(DroppedFields.HEADER)).hasValue("tools[].web_search");
        List<String> events = EdgeApiTestSupport.sseEvents(r.body());
        assertThat(events.getFirst()).isEqualTo("response.created");
        assertThat(events.getLast()).isEqualTo("response.completed");
        List<JsonNode> data = EdgeApiTestSupport.sseData(r.body());
        for (int i = 0; i < data.size(); i++) {
            assertThat(data.get(i).path("sequence_number").asInt()).isEqualTo(i);
        }
        // the model called a namespaced tool: the client sees it under its own name and namespace
        JsonNode call = data.getLast().at("/response/output").values().stream()
                .filter(i -> i.path("type").asString().equals("function_call"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(r.body()));
        assertThat(call.path("name").asString()).isEqualTo("close_agent");
        assertThat(call.path("namespace").asString()).isEqualTo("multi_agent_v1");
        JsonNode sent = simRequests(s.sc()).stream()
                .map(SdkIntegrationSupport::body)
                .toList()
                .getLast();
        ArrayNode tools = (ArrayNode) sent.path("tools");
        List<String> names = new ArrayList<>();
        tools.values()
                .forEach(t -> names.add(
                        t.has("function")
                                ? t.at("/function/name").asString()
                                : t.path("name").asString()));
        assertThat(names)
                .contains("exec_command", "multi_agent_v1__close_agent")
                .doesNotContain("web_search");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"OPENAI,sim-gpt-4o", "ANTHROPIC,sim-claude-sonnet"})
    void previousResponseIdIsRefusedNamingTheFieldAndNothingReachesTheUpstream(String protocol, String upstreamModel) {
        Setup s = setup(protocol, upstreamModel, Map.of());
        assertThatThrownBy(() -> openAi(s.key())
                        .responses()
                        .create(ResponseCreateParams.builder()
                                .model(s.model())
                                .input("and then?")
                                .previousResponseId("resp_earlier")
                                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("previous_response_id");
                });
        assertThat(simRequests(s.sc())).isEmpty();
    }
}
