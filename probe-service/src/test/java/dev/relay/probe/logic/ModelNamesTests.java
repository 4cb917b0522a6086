package dev.relay.probe.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.contracts.ModelCorrection;
import dev.relay.contracts.ModelEntry.ModelKind;
import dev.relay.probe.logic.ModelNames.Resolution;
import dev.relay.probe.logic.ModelNames.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelNamesTests {

    static final VendorCatalog CATALOG = VendorCatalogTests.CATALOG;
    static final ModelNames DEEPSEEK = names("deepseek");
    static final ModelNames UNKNOWN = new ModelNames(CATALOG, CATALOG.unknown());

    @Test
    void resolvesAnExactNameWithoutACorrection() {
        Resolution r = DEEPSEEK.resolve(List.of("deepseek-chat", "deepseek-reasoner"), "deepseek-chat");
        assertThat(r.served()).isEqualTo("deepseek-chat");
        assertThat(r.rule()).isEqualTo(Rule.EXACT);
        assertThat(r.reason()).isEqualTo("exact");
        assertThat(r.resolved()).isTrue();
        assertThat(r.corrected()).isFalse();
        assertThat(r.correction()).isEmpty();
        assertThat(r.candidates()).isEmpty();
    }

    @Test
    void correctsCaseAndSeparatorsWithAReason() {
        List<String> served = List.of("deepseek-chat", "qwen-plus", "claude-3-5-sonnet", "glm-4.5");
        assertResolved(UNKNOWN, served, "DeepSeek-Chat", "deepseek-chat", Rule.CASE, "case");
        assertResolved(UNKNOWN, served, "qwen_plus", "qwen-plus", Rule.SEPARATOR, "separator");
        assertResolved(UNKNOWN, served, "qwen plus", "qwen-plus", Rule.SEPARATOR, "separator");
        assertResolved(UNKNOWN, served, "Qwen_Plus", "qwen-plus", Rule.SEPARATOR, "separator+case");
        assertResolved(UNKNOWN, served, " qwen-plus ", "qwen-plus", Rule.SEPARATOR, "separator");
        assertResolved(UNKNOWN, served, "claude-3.5-sonnet", "claude-3-5-sonnet", Rule.SEPARATOR, "separator");
        assertResolved(UNKNOWN, served, "glm-4-5", "glm-4.5", Rule.SEPARATOR, "separator");
        assertResolved(UNKNOWN, served, "qwen—plus", "qwen-plus", Rule.SEPARATOR, "separator"); // em dash
        assertResolved(UNKNOWN, served, "ｑｗｅｎ－ｐｌｕｓ", "qwen-plus", Rule.SEPARATOR, "separator"); // full width
    }

    @Test
    void prefersTheExactNameOverLooserMatches() {
        List<String> served = List.of("Qwen-Plus", "qwen_plus", "qwen-plus");
        assertResolved(UNKNOWN, served, "qwen-plus", "qwen-plus", Rule.EXACT, "exact");
        assertResolved(UNKNOWN, served, "QWEN_PLUS", "qwen_plus", Rule.CASE, "case");
    }

    @Test
    void stripsOrAddsAVendorPrefix() {
        assertResolved(
                DEEPSEEK,
                List.of("deepseek-ai/deepseek-chat"),
                "deepseek-chat",
                "deepseek-ai/deepseek-chat",
                Rule.VENDOR_PREFIX,
                "vendor-prefix");
        assertResolved(
                DEEPSEEK,
                List.of("deepseek-chat"),
                "deepseek-ai/deepseek-chat",
                "deepseek-chat",
                Rule.VENDOR_PREFIX,
                "vendor-prefix");
        assertResolved(
                names("qwen"),
                List.of("qwen2.5-72b-instruct"),
                "Qwen/Qwen2.5-72B-Instruct",
                "qwen2.5-72b-instruct",
                Rule.VENDOR_PREFIX,
                "vendor-prefix+case");
        assertResolved(
                UNKNOWN,
                List.of("zai-org/GLM-4.5"),
                "THUDM/GLM_4.5",
                "zai-org/GLM-4.5",
                Rule.VENDOR_PREFIX,
                "vendor-prefix+separator");
    }

    @Test
    void resolvesAPrefixedWellKnownNameThroughTheAliasTable() {
        Resolution r = DEEPSEEK.resolve(List.of("deepseek-chat", "deepseek-reasoner"), "deepseek-ai/DeepSeek-V3");
        assertThat(r.served()).isEqualTo("deepseek-chat");
        assertThat(r.rule()).isEqualTo(Rule.ALIAS);
        assertThat(r.reason()).isEqualTo("alias+vendor-prefix");
        assertResolved(
                DEEPSEEK,
                List.of("deepseek-chat", "deepseek-reasoner"),
                "DeepSeek-R1",
                "deepseek-reasoner",
                Rule.ALIAS,
                "alias");
        assertResolved(
                DEEPSEEK,
                List.of("deepseek-chat", "deepseek-reasoner"),
                "deepseek_v3",
                "deepseek-chat",
                Rule.ALIAS,
                "alias");
    }

    @Test
    void resolvesAnAliasInBothDirections() {
        // an aggregator lists the well-known name; the operator asked for DeepSeek's own
        Resolution r = UNKNOWN.resolve(List.of("deepseek-ai/DeepSeek-V3", "Qwen/Qwen3-8B"), "deepseek-chat");
        assertThat(r.served()).isEqualTo("deepseek-ai/DeepSeek-V3");
        assertThat(r.rule()).isEqualTo(Rule.ALIAS);
        assertThat(r.reason()).startsWith("alias+vendor-prefix").contains("via the alias table's DeepSeek-V3");
    }

    @Test
    void usesOtherVendorsAliasesForAnAggregatorAndFindsTheTargetUnderLaterRules() {
        ModelNames openrouter = names("openrouter");
        Resolution kimi = openrouter.resolve(List.of("moonshotai/kimi-k2-0905-preview"), "kimi-k2");
        assertThat(kimi.served()).isEqualTo("moonshotai/kimi-k2-0905-preview");
        assertThat(kimi.rule()).isEqualTo(Rule.ALIAS);
        assertThat(kimi.reason()).startsWith("alias+vendor-prefix");

        Resolution sonnet =
                names("anthropic").resolve(List.of("claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"), "sonnet");
        assertThat(sonnet.served()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(sonnet.reason()).startsWith("alias+date-suffix").contains("claude-sonnet-4-5");
    }

    @Test
    void addsTheNewestDateSuffixAndSaysSo() {
        List<String> served =
                List.of("claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20241022", "claude-3-opus-20240229");
        Resolution r = UNKNOWN.resolve(served, "claude-3-5-sonnet");
        assertThat(r.served()).isEqualTo("claude-3-5-sonnet-20241022");
        assertThat(r.rule()).isEqualTo(Rule.DATE_SUFFIX);
        assertThat(r.reason())
                .startsWith("date-suffix; newest of 2 dated versions")
                .contains("claude-3-5-sonnet-20240620");
        assertThat(r.candidates()).containsExactly("claude-3-5-sonnet-20240620");
    }

    @Test
    void choosesTheNewestDateWhateverTheListingOrderAndDateFormat() {
        List<String> served = new ArrayList<>(List.of("gpt-4o-2024-05-13", "gpt-4o-2024-11-20", "gpt-4o-2024-08-06"));
        for (int i = 0; i < 3; i++) {
            Collections.rotate(served, 1);
            assertThat(UNKNOWN.resolve(served, "gpt-4o").served()).isEqualTo("gpt-4o-2024-11-20");
        }
        assertThat(UNKNOWN.resolve(List.of("deepseek-v3-0324", "deepseek-v3-1226"), "deepseek-v3")
                        .served())
                .isEqualTo("deepseek-v3-1226");
        assertThat(UNKNOWN.resolve(List.of("qwen3-235b-a22b-2504", "qwen3-235b-a22b-2507"), "qwen3-235b-a22b")
                        .served())
                .isEqualTo("qwen3-235b-a22b-2507");
    }

    @Test
    void dropsADateTheUpstreamListsWithout() {
        assertResolved(
                UNKNOWN,
                List.of("claude-3-5-sonnet", "claude-3-5-sonnet-20240620"),
                "claude-3-5-sonnet-20241022",
                "claude-3-5-sonnet",
                Rule.DATE_SUFFIX,
                "date-suffix"); // the other dated version is a different snapshot, not a fit
        assertResolved(
                UNKNOWN,
                List.of("qwen-max-latest", "qwen-max"),
                "qwen-max-2025-01-25",
                "qwen-max",
                Rule.DATE_SUFFIX,
                "date-suffix; 2 served names fit, chose the undated one: qwen-max, qwen-max-latest");
        assertResolved(
                UNKNOWN,
                List.of("gpt-4o-20240806"),
                "gpt-4o-2024-08-06",
                "gpt-4o-20240806",
                Rule.DATE_SUFFIX,
                "date-suffix");
    }

    @Test
    void neverSwapsOneDateForAnother() {
        Resolution r = UNKNOWN.resolve(List.of("claude-3-5-sonnet-20241022", "gpt-4o"), "claude-3-5-sonnet-20240620");
        assertThat(r.resolved()).isFalse();
        assertThat(r.rule()).isEqualTo(Rule.NONE);
        assertThat(r.candidates()).first().isEqualTo("claude-3-5-sonnet-20241022");
    }

    @Test
    void doesNotMistakeSizesOrYearsForDates() {
        assertThat(UNKNOWN.resolve(List.of("llama"), "llama-2048").resolved()).isFalse();
        assertThat(UNKNOWN.resolve(List.of("model"), "model-2024").resolved()).isFalse();
        assertThat(UNKNOWN.resolve(List.of("bge"), "bge-1536").resolved()).isFalse();
    }

    @Test
    void addsOrRemovesLatest() {
        assertResolved(
                UNKNOWN,
                List.of("qwen-plus-latest"),
                "qwen-plus",
                "qwen-plus-latest",
                Rule.LATEST_SUFFIX,
                "latest-suffix");
        assertResolved(
                UNKNOWN, List.of("qwen-plus"), "qwen-plus-latest", "qwen-plus", Rule.LATEST_SUFFIX, "latest-suffix");
        assertResolved(
                UNKNOWN,
                List.of("Qwen_Plus_Latest"),
                "qwen-plus",
                "Qwen_Plus_Latest",
                Rule.LATEST_SUFFIX,
                "latest-suffix+separator+case");
        // -latest asks for the newest dated version when nothing undated is listed
        Resolution r = UNKNOWN.resolve(
                List.of("claude-3-5-haiku-20241022", "claude-3-5-haiku-20240307"), "claude-3-5-haiku-latest");
        assertThat(r.served()).isEqualTo("claude-3-5-haiku-20241022");
        assertThat(r.reason()).startsWith("date-suffix+latest-suffix; newest of 2");
    }

    @Test
    void choosesDeterministicallyAmongEqualFitsWhateverTheListingOrder() {
        List<String> served =
                new ArrayList<>(List.of("Pro/deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-V3", "azure/DeepSeek-V3"));
        for (int i = 0; i < 3; i++) {
            Collections.rotate(served, 1);
            Resolution r = DEEPSEEK.resolve(served, "DeepSeek-V3");
            assertThat(r.served()).isEqualTo("deepseek-ai/DeepSeek-V3");
            assertThat(r.rule()).isEqualTo(Rule.VENDOR_PREFIX);
            assertThat(r.reason()).contains("3 served names fit equally");
            assertThat(r.candidates()).containsExactly("azure/DeepSeek-V3", "Pro/deepseek-ai/DeepSeek-V3");
        }
        // same prefix rank: the closest spelling, then alphabetical
        Resolution r = UNKNOWN.resolve(List.of("QWEN-PLUS", "Qwen-Plus"), "qwen-Plus");
        assertThat(r.served()).isEqualTo("Qwen-Plus");
    }

    @Test
    void carriesTheThreeNearestNamesWhenNothingFits() {
        List<String> served = List.of("deepseek-chat", "deepseek-reasoner", "deepseek-coder", "qwen-max", "glm-4");
        Resolution r = DEEPSEEK.resolve(served, "deepseek-chatt-v9");
        assertThat(r.resolved()).isFalse();
        assertThat(r.served()).isNull();
        assertThat(r.rule()).isEqualTo(Rule.NONE);
        assertThat(r.candidates()).hasSize(3).first().isEqualTo("deepseek-chat");
        assertThat(r.candidates()).doesNotContain("glm-4");
        assertThat(r.reason()).startsWith("not served; nearest: deepseek-chat");
        assertThat(r.correction()).isEmpty();

        // nearest by the name without its prefix
        Resolution prefixed = UNKNOWN.resolve(List.of("zai-org/glm-4.6", "openai/gpt-5"), "glm-4.7");
        assertThat(prefixed.candidates()).first().isEqualTo("zai-org/glm-4.6");
        assertThat(UNKNOWN.resolve(List.of("a"), "b").candidates()).containsExactly("a");
    }

    @Test
    void saysSoWhenTheUpstreamListsNoModels() {
        Resolution r = DEEPSEEK.resolve(List.of(), "deepseek-chat");
        assertThat(r.resolved()).isFalse();
        assertThat(r.candidates()).isEmpty();
        assertThat(r.reason()).isEqualTo("not served: the upstream lists no models");
        assertThat(DEEPSEEK.resolve(Arrays.asList(null, " ", ""), "deepseek-chat")
                        .reason())
                .isEqualTo("not served: the upstream lists no models");
    }

    @Test
    void resolvesEachDistinctRequestedNameOnceInOrderAndIgnoresDuplicateServedNames() {
        List<Resolution> rs = DEEPSEEK.resolve(
                List.of("deepseek-chat", "deepseek-chat", "deepseek-reasoner"),
                List.of("DeepSeek-Chat", "deepseek-reasoner", "DeepSeek-Chat", "nope"));
        assertThat(rs).extracting(Resolution::requested).containsExactly("DeepSeek-Chat", "deepseek-reasoner", "nope");
        assertThat(rs.getFirst().candidates()).isEmpty();
        assertThat(rs.get(2).candidates()).containsExactlyInAnyOrder("deepseek-reasoner", "deepseek-chat");
        assertThat(DEEPSEEK.resolve(List.of("deepseek-chat"), List.of())).isEmpty();
    }

    @Test
    void refusesABlankRequestedName() {
        assertThatThrownBy(() -> DEEPSEEK.resolve(List.of("deepseek-chat"), List.of("deepseek-chat", " ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> DEEPSEEK.resolve(List.of("deepseek-chat"), Arrays.asList("x", null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void handlesUnicodeAndVeryLongNames() {
        assertResolved(UNKNOWN, List.of("通义千问-Max"), "通义千问-max", "通义千问-Max", Rule.CASE, "case");
        assertResolved(UNKNOWN, List.of("İstanbul-model"), "İstanbul-model", "İstanbul-model", Rule.EXACT, "exact");
        String longName = "m".repeat(5000);
        Resolution r = UNKNOWN.resolve(List.of(longName + "-x", "short"), longName + "-y");
        assertThat(r.resolved()).isFalse();
        assertThat(r.candidates()).first().isEqualTo(longName + "-x");
        assertThat(UNKNOWN.resolve(List.of("/", "org/"), "org/").rule()).isEqualTo(Rule.EXACT);
        assertThat(UNKNOWN.resolve(List.of("org/"), "other/").resolved()).isFalse();
    }

    @Test
    void convertsCorrectionsToTheContract() {
        List<Resolution> rs = DEEPSEEK.resolve(
                List.of("deepseek-chat", "deepseek-reasoner"), List.of("deepseek-chat", "DeepSeek-V3", "nope"));
        assertThat(ModelNames.corrections(rs))
                .containsExactly(new ModelCorrection("DeepSeek-V3", "deepseek-chat", "alias"));
    }

    @Test
    void classifiesEmbeddingModelsByTheCatalogsPatterns() {
        assertThat(UNKNOWN.kind("text-embedding-3-small")).isEqualTo(ModelKind.EMBEDDING);
        assertThat(UNKNOWN.kind("text-embedding-v4")).isEqualTo(ModelKind.EMBEDDING);
        assertThat(UNKNOWN.kind("embedding-3")).isEqualTo(ModelKind.EMBEDDING);
        assertThat(UNKNOWN.kind("Qwen/Qwen3-Embedding-8B")).isEqualTo(ModelKind.EMBEDDING);
        assertThat(UNKNOWN.kind("BAAI/bge-large-zh-v1.5")).isEqualTo(ModelKind.EMBEDDING);
        assertThat(UNKNOWN.kind("bge-m3")).isEqualTo(ModelKind.EMBEDDING);
        assertThat(UNKNOWN.kind("nomic-embed-text")).isEqualTo(ModelKind.EMBEDDING);
        assertThat(UNKNOWN.kind("intfloat/multilingual-e5-large")).isEqualTo(ModelKind.EMBEDDING);
        assertThat(UNKNOWN.kind("BAAI/bge-reranker-v2-m3")).isEqualTo(ModelKind.CHAT);
        assertThat(UNKNOWN.kind("deepseek-chat")).isEqualTo(ModelKind.CHAT);
        assertThat(UNKNOWN.kind("gte-rerank")).isEqualTo(ModelKind.CHAT);
        assertThat(UNKNOWN.kind("")).isEqualTo(ModelKind.CHAT);
        // vendor-specific patterns apply for that vendor only
        assertThat(names("minimax").kind("embo-01")).isEqualTo(ModelKind.EMBEDDING);
        assertThat(UNKNOWN.kind("embo-01")).isEqualTo(ModelKind.CHAT);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static ModelNames names(String vendor) {
        return new ModelNames(CATALOG, CATALOG.vendor(vendor).orElseThrow());
    }

    static void assertResolved(
            ModelNames names, List<String> served, String requested, String expected, Rule rule, String reason) {
        Resolution r = names.resolve(served, requested);
        assertThat(r.served()).as(requested).isEqualTo(expected);
        assertThat(r.rule()).as(requested).isEqualTo(rule);
        assertThat(r.reason()).as(requested).isEqualTo(reason);
        if (!expected.equals(requested)) {
            assertThat(r.correction()).contains(new ModelCorrection(requested, expected, reason));
        }
    }
}
