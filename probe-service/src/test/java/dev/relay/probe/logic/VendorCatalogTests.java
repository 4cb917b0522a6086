package dev.relay.probe.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.contracts.Protocol;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class VendorCatalogTests {

    static final VendorCatalog CATALOG = VendorCatalog.load();

    @Test
    void loadsTheShippedCatalogWithAVersionEveryVendorAndTheUnknownFallback() {
        assertThat(CATALOG.version()).isPositive();
        assertThat(CATALOG.vendors())
                .extracting(VendorCatalog.Vendor::id)
                .containsExactly(
                        "deepseek",
                        "moonshot",
                        "minimax",
                        "qwen",
                        "glm",
                        "stepfun",
                        "openai",
                        "anthropic",
                        "openrouter",
                        "unknown");
        assertThat(CATALOG.unknown().isUnknown()).isTrue();
        assertThat(CATALOG.unknown().hosts()).isEmpty();
        assertThat(CATALOG.vendor("deepseek")).isPresent();
        assertThat(CATALOG.vendor("nope")).isEmpty();
    }

    @Test
    void findsTheVendorByExactHostIgnoringCaseAndATrailingDot() {
        assertThat(vendorOf("https://api.deepseek.com/v1")).isEqualTo("deepseek");
        assertThat(vendorOf("HTTPS://API.DeepSeek.COM./v1")).isEqualTo("deepseek");
        assertThat(vendorOf("https://api.moonshot.ai/v1")).isEqualTo("moonshot");
        assertThat(vendorOf("https://dashscope.aliyuncs.com/compatible-mode/v1"))
                .isEqualTo("qwen");
        assertThat(vendorOf("https://dashscope-intl.aliyuncs.com/compatible-mode/v1"))
                .isEqualTo("qwen");
        assertThat(vendorOf("https://open.bigmodel.cn/api/paas/v4")).isEqualTo("glm");
        assertThat(vendorOf("https://api.minimax.chat/v1")).isEqualTo("minimax");
        assertThat(vendorOf("https://api.minimaxi.com/anthropic")).isEqualTo("minimax");
        assertThat(vendorOf("https://api.stepfun.com/v1")).isEqualTo("stepfun");
        assertThat(vendorOf("https://api.openai.com/v1")).isEqualTo("openai");
        assertThat(vendorOf("https://api.anthropic.com")).isEqualTo("anthropic");
        assertThat(vendorOf("https://openrouter.ai/api/v1")).isEqualTo("openrouter");
    }

    @Test
    void matchesAWildcardHostOnSubDomainsOnly() {
        assertThat(vendorOf("https://api.moonshot.cn/v1")).isEqualTo("moonshot");
        assertThat(vendorOf("https://eu.gateway.moonshot.cn/v1")).isEqualTo("moonshot");
        assertThat(vendorOf("https://moonshot.cn/v1")).isEqualTo("unknown");
        assertThat(vendorOf("https://evilmoonshot.cn/v1")).isEqualTo("unknown");
        assertThat(vendorOf("https://api.moonshot.cn.evil.example/v1")).isEqualTo("unknown");
    }

    @Test
    void fallsBackToUnknownForOtherHostsAddressesAndNoHost() {
        assertThat(vendorOf("https://relay.example.com/v1")).isEqualTo("unknown");
        assertThat(vendorOf("http://203.0.113.7:8080/v1")).isEqualTo("unknown");
        assertThat(vendorOf("http://[2001:db8::1]/v1")).isEqualTo("unknown");
        assertThat(CATALOG.vendorFor(URI.create("mailto:someone@example.com")).id())
                .isEqualTo("unknown");
        assertThat(CATALOG.vendorFor(null).id()).isEqualTo("unknown");
        assertThat(CATALOG.vendorForHost("  ").id()).isEqualTo("unknown");
    }

    @Test
    void prefersAnExactHostOverAWildcardAndALongerWildcardOverAShorterOne() {
        VendorCatalog c = VendorCatalog.parse(
                catalog(
                        vendor("wide", "[\"*.example.com\"]"),
                        vendor("narrow", "[\"*.eu.example.com\"]"),
                        vendor("exact", "[\"api.eu.example.com\"]"),
                        unknown()),
                "test");
        assertThat(c.vendorForHost("x.example.com").id()).isEqualTo("wide");
        assertThat(c.vendorForHost("x.eu.example.com").id()).isEqualTo("narrow");
        assertThat(c.vendorForHost("api.eu.example.com").id()).isEqualTo("exact");
    }

    @Test
    void shipsTheKnownBasePathsPerProtocol() {
        assertThat(vendor("deepseek").basePaths(Protocol.OPENAI)).containsExactly("/v1");
        assertThat(vendor("deepseek").basePaths(Protocol.ANTHROPIC)).containsExactly("/anthropic");
        assertThat(vendor("qwen").basePaths(Protocol.OPENAI)).containsExactly("/compatible-mode/v1");
        assertThat(vendor("glm").basePaths(Protocol.OPENAI)).startsWith("/api/paas/v4");
        assertThat(vendor("glm").basePaths(Protocol.ANTHROPIC)).containsExactly("/api/anthropic");
        assertThat(vendor("moonshot").basePaths(Protocol.ANTHROPIC)).containsExactly("/anthropic");
        assertThat(vendor("minimax").basePaths(Protocol.OPENAI)).containsExactly("/v1");
        assertThat(vendor("minimax").basePaths(Protocol.ANTHROPIC)).containsExactly("/anthropic");
        assertThat(vendor("stepfun").basePaths(Protocol.ANTHROPIC)).isEmpty();
        assertThat(vendor("anthropic").basePaths(Protocol.ANTHROPIC)).containsExactly("");
    }

    @Test
    void everyShippedOpenAiPathEndsInAVersionSegmentAndNoAnthropicPathDoes() {
        for (VendorCatalog.Vendor v : CATALOG.vendors()) {
            assertThat(v.basePaths(Protocol.OPENAI)).allMatch(p -> p.matches(".*/v[0-9]+(beta)?"));
            assertThat(v.basePaths(Protocol.ANTHROPIC)).noneMatch(p -> p.matches(".*/v[0-9]+(beta)?"));
        }
    }

    @Test
    void shipsTheEdgeDialectPerVendor() {
        assertThat(vendor("qwen").dialect()).isEqualTo(new VendorCatalog.Dialect("enable_thinking", "leading"));
        assertThat(vendor("deepseek").dialect()).isEqualTo(new VendorCatalog.Dialect("thinking_type", "inline"));
        assertThat(vendor("glm").dialect().reasoning()).isEqualTo("thinking_type");
        assertThat(vendor("openai").dialect().reasoning()).isEqualTo("reasoning_effort");
        assertThat(vendor("openrouter").dialect().reasoning()).isEqualTo("reasoning_object");
        assertThat(CATALOG.unknown().dialect()).isEqualTo(new VendorCatalog.Dialect("none", "inline"));
        for (VendorCatalog.Vendor v : CATALOG.vendors()) {
            assertThat(VendorCatalog.REASONING_VALUES).contains(v.dialect().reasoning());
            assertThat(VendorCatalog.SYSTEM_MESSAGES_VALUES)
                    .contains(v.dialect().systemMessages());
        }
    }

    @Test
    void shipsModelPrefixesAliasesAndEmbeddingPatterns() {
        assertThat(vendor("deepseek").modelPrefixes()).contains("deepseek-ai/");
        assertThat(vendor("qwen").modelPrefixes()).contains("Qwen/");
        assertThat(vendor("glm").modelPrefixes()).contains("zai-org/", "THUDM/");
        assertThat(vendor("deepseek").aliases()).containsEntry("DeepSeek-V3", "deepseek-chat");
        assertThat(vendor("deepseek").aliases()).containsEntry("DeepSeek-R1", "deepseek-reasoner");
        assertThat(CATALOG.modelPrefixes()).contains("deepseek-ai/", "qwen/", "moonshotai/", "minimaxai/");
        assertThat(CATALOG.embeddingPatterns()).extracting(Pattern::pattern).contains("embed");
    }

    @Test
    void aliasTableListsTheVendorsOwnEntriesFirstThenEveryOtherVendors() {
        List<String> keys = List.copyOf(CATALOG.aliasTable(vendor("moonshot")).keySet());
        assertThat(keys.getFirst()).isEqualTo("kimi-k2");
        assertThat(keys).contains("deepseek-v3", "sonnet");
        assertThat(CATALOG.aliasTable(vendor("moonshot"))).containsEntry("deepseek-v3", "deepseek-chat");
    }

    @Test
    void rejectsAnInvalidCatalogListingEveryProblem() {
        String json = """
                {"vendors": [
                  {"id": "Bad Id", "name": "x", "hosts": ["https://api.x.com", "API.Y.COM"],
                   "basePaths": {"openai": ["/compatible-mode"], "anthropic": ["/anthropic/v1"], "grpc": ["/"]},
                   "modelPrefixes": ["org"], "aliases": {"a-b": "A_B", "x": "y", "X": "z"},
                   "embeddingPatterns": ["(unclosed"], "dialect": {"reasoning": "think_hard", "systemMessages": "first"},
                   "colour": "blue"}
                ]}
                """;
        assertThatThrownBy(() -> VendorCatalog.parse(json, "bad.json"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vendor catalog bad.json is invalid")
                .hasMessageContaining("$.version: required")
                .hasMessageContaining("'Bad Id' must be lower-case")
                .hasMessageContaining("'https://api.x.com' is not a lower-case host name")
                .hasMessageContaining("'API.Y.COM' is not a lower-case host name")
                .hasMessageContaining("'/compatible-mode' must end in a version segment")
                .hasMessageContaining("'/anthropic/v1' is the Anthropic SDK base")
                .hasMessageContaining("unknown protocol 'grpc'")
                .hasMessageContaining("'org' must be like 'org/'")
                .hasMessageContaining("['a-b']: the alias already matches 'A_B'")
                .hasMessageContaining("['X']: conflicts with another alias")
                .hasMessageContaining("'(unclosed' is not a regular expression")
                .hasMessageContaining("'think_hard' is not one of")
                .hasMessageContaining("'first' is not one of")
                .hasMessageContaining("unknown field 'colour'")
                .hasMessageContaining("the fallback vendor 'unknown' is missing");
    }

    @Test
    void rejectsAHostClaimedByTwoVendorsAndADuplicateId() {
        String json =
                catalog(vendor("a", "[\"api.x.com\"]"), vendor("b", "[\"api.x.com\"]"), vendor("a", "[]"), unknown());
        assertThatThrownBy(() -> VendorCatalog.parse(json, "t"))
                .hasMessageContaining("host 'api.x.com' is claimed by both 'a' and 'b'")
                .hasMessageContaining("vendor id 'a' appears more than once");
    }

    @Test
    void rejectsAnUnknownVendorThatClaimsHosts() {
        String json = catalog(vendor("unknown", "[\"api.x.com\"]"));
        assertThatThrownBy(() -> VendorCatalog.parse(json, "t")).hasMessageContaining("claims no hosts");
    }

    @Test
    void rejectsDuplicateKeysAndTextThatIsNotJson() {
        assertThatThrownBy(() -> VendorCatalog.parse("{\"version\": 1, \"version\": 2}", "dup.json"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dup.json is not valid JSON")
                .hasMessageContaining("version");
        assertThatThrownBy(() -> VendorCatalog.parse("vendors: []", "yaml.json"))
                .hasMessageContaining("is not valid JSON");
        assertThatThrownBy(() -> VendorCatalog.parse("[]", "array.json"))
                .hasMessageContaining("the document must be a JSON object");
        assertThatThrownBy(() -> VendorCatalog.parse("{\"version\": 0, \"vendors\": []}", "t"))
                .hasMessageContaining("$.version: required, an integer >= 1")
                .hasMessageContaining("$.vendors: required, a non-empty array");
    }

    @Test
    void acceptsAMinimalCatalog() {
        VendorCatalog c = VendorCatalog.parse(catalog(unknown()), "min");
        assertThat(c.version()).isEqualTo(7);
        assertThat(c.vendors()).hasSize(1);
        assertThat(c.vendorForHost("api.deepseek.com").id()).isEqualTo("unknown");
    }

    // ------------------------------------------------------------------------------------------------ fixtures

    static String vendorOf(String url) {
        return CATALOG.vendorFor(URI.create(url)).id();
    }

    static VendorCatalog.Vendor vendor(String id) {
        return CATALOG.vendor(id).orElseThrow();
    }

    static String catalog(String... vendors) {
        return "{\"version\": 7, \"embeddingPatterns\": [\"embed\"], \"vendors\": [" + String.join(",", vendors) + "]}";
    }

    static String vendor(String id, String hosts) {
        return "{\"id\": \"" + id + "\", \"name\": \"" + id + "\", \"hosts\": " + hosts
                + ", \"basePaths\": {\"openai\": [\"/v1\"]}, \"modelPrefixes\": [], \"aliases\": {},"
                + " \"embeddingPatterns\": [], \"dialect\": {\"reasoning\": \"none\", \"systemMessages\": \"inline\"}}";
    }

    static String unknown() {
        return vendor("unknown", "[]");
    }
}
