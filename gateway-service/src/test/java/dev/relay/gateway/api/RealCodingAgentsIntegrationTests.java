package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.UsageRecorded;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The coding agents people point at a relay, for real: the pinned Claude Code and Codex CLI binaries ({@code
 * infra/agents}, installed by {@code infra/agents/install}, which {@code infra/relay test} runs) executed
 * non-interactively against this edge, with the simulator behind it scripted through the channel ({@code
 * x-sim-tool-script}) to answer the first turn with a tool call the agent really executes ({@code echo relay-ok}) and
 * the turn that carries the tool's output with text quoting it.
 *
 * <p>Each agent runs with an isolated {@code HOME}, an environment of its own (nothing inherited) and every background
 * call off, so it talks to the edge and nothing else. Stage budget: 4 minutes (typically 30-60 s).
 *
 * <p>Channel kinds: Anthropic; OpenAI with {@code /v1/responses} (OpenAI's dialect: {@code reasoning_effort}); OpenAI
 * chat-only in a Qwen-like dialect ({@code enable_thinking}, one leading system message), which the simulator enforces
 * the way such an upstream does ({@code x-sim-dialect}, {@code x-sim-system-first}).
 */
class RealCodingAgentsIntegrationTests extends EdgeApiTestSupport {

    static final Duration AGENT_TIMEOUT = Duration.ofSeconds(120);
    static final String EXPECTED_ANSWER = "Tool result received: relay-ok";

    @TempDir
    Path home;

    private SdkIntegrationSupport.UsageReader usage;

    /** The installed agent binaries: {@code infra/.run/agents/bin}, or {@code RELAY_AGENTS_BIN}. */
    static Path agentBin(String name) {
        String override = System.getenv("RELAY_AGENTS_BIN");
        Path bin = override != null
                ? Path.of(override)
                : Path.of("..", "infra", ".run", "agents", "bin")
                        .toAbsolutePath()
                        .normalize();
        Path p = bin.resolve(name);
        assertThat(Files.isExecutable(p))
                .as("%s is not installed at %s: run infra/agents/install (infra/relay test does)", name, p)
                .isTrue();
        return p;
    }

    @BeforeEach
    void readUsageFromNow() {
        usage = new SdkIntegrationSupport.UsageReader();
    }

    @AfterEach
    void closeReader() {
        usage.close();
    }

    // ------------------------------------------------------------------ Claude Code

    @Test
    void claudeCodeRunsAToolRoundTripOnAnAnthropicChannel() throws Exception {
        Channel ch = channel("ANTHROPIC", "sim-claude-sonnet", bashScript(), Map.of(), Map.of());
        claudeCode(ch);
        JsonNode second = lastUpstreamBody(ch);
        assertThat(second.toString()).contains("tool_result").contains("relay-ok");
    }

    @Test
    void claudeCodeRunsAToolRoundTripOnAnOpenAiChannelWithResponses() throws Exception {
        Channel ch = channel(
                "OPENAI",
                "sim-gpt-4o",
                bashScript(),
                Map.of("responses", true),
                Map.of("reasoning", "reasoning_effort"));
        claudeCode(ch);
        List<JsonNode> bodies = simBodies(ch.scenario());
        JsonNode first = bodies.getFirst();
        // Claude Code's environment details stay a system message in their place; adaptive thinking at high effort
        // becomes OpenAI's reasoning_effort
        assertThat(roles(first)).startsWith("system", "user").contains("system");
        assertThat(roles(first).lastIndexOf("system")).isGreaterThan(0);
        assertThat(first.path("reasoning_effort").asString()).isEqualTo("high");
        assertThat(first.has("thinking")).isFalse();
        JsonNode second = bodies.getLast();
        assertThat(roles(second)).endsWith("assistant", "tool");
        assertThat(second.at("/messages")
                        .get(second.get("messages").size() - 1)
                        .path("content")
                        .asString())
                .contains("relay-ok");
    }

    @Test
    void claudeCodeRunsAToolRoundTripOnAChatOnlyChannelThatWantsOneLeadingSystemMessage() throws Exception {
        Channel ch = channel(
                "OPENAI",
                "sim-gpt-4o",
                Map.of(
                        "x-sim-tool-script", "Bash {\"command\":\"echo relay-ok\"}",
                        "x-sim-dialect", "enable_thinking",
                        "x-sim-system-first", "true"),
                Map.of("responses", false),
                Map.of("reasoning", "enable_thinking", "systemMessages", "leading"));
        claudeCode(ch);
        JsonNode first = simBodies(ch.scenario()).getFirst();
        assertThat(roles(first).getFirst()).isEqualTo("system");
        assertThat(roles(first).lastIndexOf("system")).isZero();
        assertThat(first.path("enable_thinking").asBoolean(false)).isTrue();
    }

    // ------------------------------------------------------------------ Codex

    @Test
    void codexRunsAToolRoundTripOnAnOpenAiChannelWithResponses() throws Exception {
        Channel ch = channel(
                "OPENAI",
                "sim-gpt-4o",
                execScript(),
                Map.of("responses", true),
                Map.of("reasoning", "reasoning_effort"));
        codex(ch);
        JsonNode second = lastUpstreamBody(ch);
        assertThat(second.toString()).contains("function_call_output").contains("relay-ok");
    }

    @Test
    void codexRunsAToolRoundTripOnAChatOnlyChannelThatWantsOneLeadingSystemMessage() throws Exception {
        Channel ch = channel(
                "OPENAI",
                "sim-gpt-4o",
                Map.of(
                        "x-sim-tool-script", "exec_command {\"cmd\":\"echo relay-ok\"}",
                        "x-sim-dialect", "enable_thinking",
                        "x-sim-system-first", "true"),
                Map.of("responses", false),
                Map.of("reasoning", "enable_thinking", "systemMessages", "leading"));
        codex(ch);
        // the edge spoke Chat Completions to it: one leading system message, the call and its output as a tool turn
        JsonNode second = lastUpstreamBody(ch);
        List<String> roles = roles(second);
        assertThat(roles.getFirst()).isEqualTo("system");
        assertThat(roles.subList(1, roles.size())).doesNotContain("system").contains("tool");
        assertThat(second.toString()).contains("relay-ok");
    }

    @Test
    void codexRunsAToolRoundTripOnAnAnthropicChannel() throws Exception {
        Channel ch = channel("ANTHROPIC", "sim-claude-sonnet", execScript(), Map.of(), Map.of());
        codex(ch);
        JsonNode second = lastUpstreamBody(ch);
        assertThat(second.toString()).contains("tool_result").contains("relay-ok");
    }

    private static Map<String, String> execScript() {
        return Map.of("x-sim-tool-script", "exec_command {\"cmd\":\"echo relay-ok\"}");
    }

    private void codex(Channel ch) throws Exception {
        Path codexHome = Files.createDirectories(home.resolve(".codex"));
        Files.writeString(codexHome.resolve("config.toml"), """
                model = "%s"
                model_provider = "relay"
                check_for_update_on_startup = false
                approval_policy = "never"
                sandbox_mode = "danger-full-access"

                [analytics]
                enabled = false

                [feedback]
                enabled = false

                [otel]
                exporter = "none"

                [model_providers.relay]
                name = "Relay"
                base_url = "%s/v1"
                env_key = "RELAY_API_KEY"
                wire_api = "responses"
                """.formatted(ch.model(), gateway()));
        Path last = home.resolve("last-message.txt");
        Map<String, String> env = baseEnv();
        env.put("CODEX_HOME", codexHome.toString());
        env.put("RELAY_API_KEY", ch.key());
        Result r = run(
                List.of(
                        agentBin("codex").toString(),
                        "exec",
                        "--strict-config",
                        "--skip-git-repo-check",
                        "--ephemeral",
                        "--color",
                        "never",
                        "-o",
                        last.toString(),
                        "Run echo relay-ok in the shell and tell me what it printed."),
                env);
        assertThat(r.exit()).as(r.describe()).isZero();
        assertThat(Files.readString(last)).as(r.describe()).contains(EXPECTED_ANSWER);
        assertRoundTripMetered(ch);
    }

    // ------------------------------------------------------------------ helpers

    record Channel(String model, String key, String scenario) {}

    record Result(int exit, String stdout, String stderr) {
        String describe() {
            return "exit " + exit + "\nstdout:\n" + tail(stdout) + "\nstderr:\n" + tail(stderr);
        }

        private static String tail(String s) {
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        }
    }

    private static Map<String, String> bashScript() {
        return Map.of("x-sim-tool-script", "Bash {\"command\":\"echo relay-ok\"}");
    }

    private Channel channel(
            String protocol,
            String upstreamModel,
            Map<String, String> simHeaders,
            Map<String, Boolean> capabilities,
            Map<String, String> dialect) {
        String model = uniqueModel();
        String sc = scenario();
        Map<String, String> headers = new HashMap<>(simHeaders);
        headers.put("x-sim-scenario-id", sc);
        newChannel(model, upstreamModel, "sk-agents-" + sc, protocol, headers, capabilities, dialect);
        String key = newClientKey();
        awaitModelVisible(key, model);
        return new Channel(model, key, sc);
    }

    private void claudeCode(Channel ch) throws Exception {
        Map<String, String> env = baseEnv();
        env.put("ANTHROPIC_BASE_URL", gateway());
        env.put("ANTHROPIC_API_KEY", ch.key());
        env.put("ANTHROPIC_DEFAULT_HAIKU_MODEL", ch.model());
        env.put("ANTHROPIC_SMALL_FAST_MODEL", ch.model());
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        Result r = run(
                List.of(
                        agentBin("claude").toString(),
                        "-p",
                        "Run echo relay-ok with the Bash tool and tell me what it printed.",
                        "--output-format",
                        "json",
                        "--model",
                        ch.model(),
                        "--allowedTools",
                        "Bash"),
                env);
        assertThat(r.exit()).as(r.describe()).isZero();
        String[] lines = r.stdout().strip().split("\n");
        JsonNode result = json(lines[lines.length - 1]);
        assertThat(result.path("is_error").asBoolean(true)).as(r.describe()).isFalse();
        assertThat(result.path("result").asString()).as(r.describe()).contains(EXPECTED_ANSWER);
        assertThat(result.path("num_turns").asInt()).as(r.describe()).isGreaterThanOrEqualTo(2);
        assertRoundTripMetered(ch);
    }

    /** Both turns reached the upstream, and each has exactly its usage event on Kafka, with the upstream's tokens. */
    private void assertRoundTripMetered(Channel ch) {
        List<JsonNode> recorded = simRequests(ch.scenario());
        assertThat(recorded.size()).as("upstream requests of the round trip").isGreaterThanOrEqualTo(2);
        Map<String, UsageRecorded> events = usage.awaitModel(ch.model(), recorded.size());
        assertThat(events.values()).allSatisfy(u -> {
            assertThat(u.outcome()).isEqualTo(UsageRecorded.Outcome.OK);
            assertThat(u.usage().completionTokens()).isPositive();
            assertThat(u.usage().estimated()).isFalse();
        });
    }

    private JsonNode lastUpstreamBody(Channel ch) {
        return simBodies(ch.scenario()).getLast();
    }

    private static List<String> roles(JsonNode chatBody) {
        List<String> roles = new ArrayList<>();
        chatBody.path("messages").values().forEach(m -> roles.add(m.path("role").asString()));
        return roles;
    }

    /** Nothing inherited: a PATH for the shell tools, an isolated HOME and working directory. */
    private Map<String, String> baseEnv() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "dumb");
        env.put("NO_COLOR", "1");
        Files.createDirectories(home.resolve("work"));
        return env;
    }

    private Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(home.resolve("work").toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = home.resolve("stdout-" + System.nanoTime());
        Path err = home.resolve("stderr-" + System.nanoTime());
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(AGENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            // stop the agent and every process it started, by PID
            try (Stream<ProcessHandle> children = p.descendants()) {
                children.sorted(Comparator.comparing(ProcessHandle::pid).reversed())
                        .forEach(ProcessHandle::destroyForcibly);
            }
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Result r = new Result(
                done ? p.exitValue() : -1,
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        assertThat(done)
                .as("agent did not finish in %s: %s", AGENT_TIMEOUT, r.describe())
                .isTrue();
        return r;
    }
}
