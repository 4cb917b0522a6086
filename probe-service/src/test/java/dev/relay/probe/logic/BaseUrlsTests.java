package dev.relay.probe.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.contracts.ApiBase;
import dev.relay.contracts.Protocol;
import dev.relay.probe.logic.BaseUrls.Candidate;
import dev.relay.probe.logic.BaseUrls.Proposal;
import dev.relay.probe.logic.BaseUrls.Source;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BaseUrlsTests {

    static final BaseUrls URLS = new BaseUrls(VendorCatalogTests.CATALOG);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://api.deepseek.com",
                "https://api.deepseek.com/",
                "https://api.deepseek.com/v1",
                "https://api.deepseek.com/v1/",
                "https://api.deepseek.com/v1///",
                "  https://api.deepseek.com/v1  ",
                "\u00a0https://api.deepseek.com/v1\u200b",
                "HTTPS://API.DEEPSEEK.COM/V1",
                "https://api.deepseek.com:443/v1",
                "https://api.deepseek.com./v1",
                "https://api.deepseek.com/v1/chat/completions",
                "https://api.deepseek.com/chat/completions",
                "https://api.deepseek.com/v1/models",
                "https://api.deepseek.com/v1/models/",
                "https://api.deepseek.com/V1/Chat/Completions"
            })
    void normalisesEveryWayOfWritingTheDeepSeekBase(String input) {
        Proposal p = URLS.propose(input);
        assertThat(p.vendor().id()).isEqualTo("deepseek");
        assertThat(p.origin()).isEqualTo("https://api.deepseek.com");
        assertThat(first(p, Protocol.OPENAI).apiBase()).isEqualTo("https://api.deepseek.com/v1");
        assertThat(first(p, Protocol.OPENAI).baseUrl()).isEqualTo("https://api.deepseek.com/v1");
        assertThat(apiBases(p, Protocol.ANTHROPIC)).containsExactly("https://api.deepseek.com/anthropic/v1");
        assertThat(first(p, Protocol.ANTHROPIC).baseUrl()).isEqualTo("https://api.deepseek.com/anthropic");
    }

    @Test
    void proposesDeepSeeksAnthropicPathThatTheEdgeCompletesWithV1() {
        for (String input : List.of(
                "https://api.deepseek.com/anthropic",
                "https://api.deepseek.com/anthropic/",
                "https://api.deepseek.com/anthropic/v1",
                "https://api.deepseek.com/anthropic/v1/messages")) {
            Proposal p = URLS.propose(input);
            Candidate a = first(p, Protocol.ANTHROPIC);
            assertThat(a.baseUrl()).as(input).isEqualTo("https://api.deepseek.com/anthropic");
            assertThat(a.apiBase()).as(input).isEqualTo("https://api.deepseek.com/anthropic/v1");
            assertThat(a.source()).as(input).isEqualTo(Source.OPERATOR);
            assertThat(a.endpoint("/messages")).isEqualTo("https://api.deepseek.com/anthropic/v1/messages");
            // an Anthropic path yields no OpenAI candidate of its own; the vendor's OpenAI base still comes
            assertThat(apiBases(p, Protocol.OPENAI)).as(input).containsExactly("https://api.deepseek.com/v1");
            assertThat(first(p, Protocol.OPENAI).source()).isEqualTo(Source.VENDOR);
        }
    }

    @Test
    void tellsWhichProtocolAPastedEndpointBelongsTo() {
        Proposal messages = URLS.propose("https://api.deepseek.com/anthropic/v1/messages");
        assertThat(messages.pastedEndpoint()).isEqualTo("/messages");
        assertThat(messages.impliedProtocol()).isEqualTo(Protocol.ANTHROPIC);
        assertThat(messages.cleaned()).isEqualTo("https://api.deepseek.com/anthropic/v1");

        Proposal chat = URLS.propose("https://api.deepseek.com/v1/chat/completions");
        assertThat(chat.pastedEndpoint()).isEqualTo("/chat/completions");
        assertThat(chat.impliedProtocol()).isEqualTo(Protocol.OPENAI);

        Proposal models = URLS.propose("https://api.deepseek.com/v1/models");
        assertThat(models.pastedEndpoint()).isEqualTo("/models");
        assertThat(models.impliedProtocol()).isNull();

        Proposal plain = URLS.propose("https://api.deepseek.com/v1");
        assertThat(plain.pastedEndpoint()).isNull();
        assertThat(plain.impliedProtocol()).isNull();
        assertThat(plain.input()).isEqualTo("https://api.deepseek.com/v1");
    }

    @Test
    void cutsEveryKindOfPastedEndpointBackToItsBase() {
        assertThat(URLS.propose("https://relay.example.com/v1/embeddings").cleaned())
                .isEqualTo("https://relay.example.com/v1");
        assertThat(URLS.propose("https://relay.example.com/v1/responses").cleaned())
                .isEqualTo("https://relay.example.com/v1");
        assertThat(URLS.propose("https://relay.example.com/v1/completions").cleaned())
                .isEqualTo("https://relay.example.com/v1");
        assertThat(URLS.propose("https://relay.example.com/v1/messages/count_tokens")
                        .cleaned())
                .isEqualTo("https://relay.example.com/v1");
        Proposal model = URLS.propose("https://relay.example.com/v1/models/gpt-4o");
        assertThat(model.cleaned()).isEqualTo("https://relay.example.com/v1");
        assertThat(model.pastedEndpoint()).isEqualTo("/models/gpt-4o");
        assertThat(URLS.propose("https://relay.example.com/v1/models/deepseek-ai/DeepSeek-V3")
                        .cleaned())
                .isEqualTo("https://relay.example.com/v1");
        assertThat(URLS.propose("https://open.bigmodel.cn/api/paas/v4/chat/completions")
                        .cleaned())
                .isEqualTo("https://open.bigmodel.cn/api/paas/v4");
        // "/models/..." deeper in a path that is not right after a version segment is left alone
        assertThat(URLS.propose("https://relay.example.com/models/team/v1").cleaned())
                .isEqualTo("https://relay.example.com/models/team/v1");
    }

    @Test
    void keepsGlmsV4BaseAndProposesItsAnthropicPath() {
        Proposal p = URLS.propose("https://open.bigmodel.cn/api/paas/v4/");
        assertThat(p.vendor().id()).isEqualTo("glm");
        assertThat(first(p, Protocol.OPENAI).baseUrl()).isEqualTo("https://open.bigmodel.cn/api/paas/v4");
        assertThat(first(p, Protocol.OPENAI).apiBase()).isEqualTo("https://open.bigmodel.cn/api/paas/v4");
        assertThat(first(p, Protocol.OPENAI).source()).isEqualTo(Source.OPERATOR);
        assertThat(apiBases(p, Protocol.OPENAI))
                .containsExactly("https://open.bigmodel.cn/api/paas/v4", "https://open.bigmodel.cn/api/coding/paas/v4");
        // the OpenAI path yields no Anthropic candidate of its own
        assertThat(p.candidates(Protocol.ANTHROPIC))
                .extracting(Candidate::baseUrl)
                .containsExactly("https://open.bigmodel.cn/api/anthropic");
        assertThat(first(p, Protocol.ANTHROPIC).apiBase()).isEqualTo("https://open.bigmodel.cn/api/anthropic/v1");
    }

    @Test
    void completesAVendorPathGivenWithoutItsVersionFromVendorKnowledge() {
        Proposal glm = URLS.propose("https://open.bigmodel.cn/api/paas");
        assertThat(first(glm, Protocol.OPENAI).apiBase()).isEqualTo("https://open.bigmodel.cn/api/paas/v4");
        assertThat(first(glm, Protocol.OPENAI).source()).isEqualTo(Source.OPERATOR);

        Proposal qwen = URLS.propose("https://dashscope.aliyuncs.com/compatible-mode");
        assertThat(first(qwen, Protocol.OPENAI).apiBase())
                .isEqualTo("https://dashscope.aliyuncs.com/compatible-mode/v1");
    }

    @Test
    void proposesQwensCompatibleModeAndItsAnthropicPath() {
        Proposal p = URLS.propose("https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions");
        assertThat(p.vendor().id()).isEqualTo("qwen");
        assertThat(apiBases(p, Protocol.OPENAI))
                .containsExactly("https://dashscope-intl.aliyuncs.com/compatible-mode/v1");
        assertThat(apiBases(p, Protocol.ANTHROPIC))
                .containsExactly("https://dashscope-intl.aliyuncs.com/apps/anthropic/v1");

        // a bare host of a known vendor: its known paths, no guess at the root
        Proposal root = URLS.propose("https://dashscope.aliyuncs.com");
        assertThat(apiBases(root, Protocol.OPENAI))
                .containsExactly("https://dashscope.aliyuncs.com/compatible-mode/v1");
        assertThat(first(root, Protocol.OPENAI).source()).isEqualTo(Source.VENDOR);
        Proposal glm = URLS.propose("https://open.bigmodel.cn/");
        assertThat(first(glm, Protocol.OPENAI).apiBase()).isEqualTo("https://open.bigmodel.cn/api/paas/v4");
    }

    @Test
    void proposesKimiAndMiniMaxBasesForBothProtocols() {
        Proposal kimi = URLS.propose("https://api.moonshot.cn/anthropic");
        assertThat(first(kimi, Protocol.ANTHROPIC).apiBase()).isEqualTo("https://api.moonshot.cn/anthropic/v1");
        assertThat(apiBases(kimi, Protocol.OPENAI)).containsExactly("https://api.moonshot.cn/v1");

        Proposal minimax = URLS.propose("https://api.minimaxi.com/v1");
        assertThat(apiBases(minimax, Protocol.OPENAI)).containsExactly("https://api.minimaxi.com/v1");
        assertThat(apiBases(minimax, Protocol.ANTHROPIC)).containsExactly("https://api.minimaxi.com/anthropic/v1");
    }

    @Test
    void proposesAnthropicsRootAndItsOpenAiCompatibility() {
        Proposal p = URLS.propose("https://api.anthropic.com/v1/messages");
        Candidate a = first(p, Protocol.ANTHROPIC);
        assertThat(a.baseUrl()).isEqualTo("https://api.anthropic.com");
        assertThat(a.apiBase()).isEqualTo("https://api.anthropic.com/v1");
        assertThat(a.source()).isEqualTo(Source.OPERATOR);
        assertThat(p.candidates(Protocol.ANTHROPIC)).hasSize(1);
        assertThat(apiBases(p, Protocol.OPENAI)).containsExactly("https://api.anthropic.com/v1");
    }

    @Test
    void proposesOpenRoutersApiPathForBothProtocols() {
        Proposal p = URLS.propose("https://openrouter.ai/api/v1");
        assertThat(apiBases(p, Protocol.OPENAI)).containsExactly("https://openrouter.ai/api/v1");
        assertThat(first(p, Protocol.ANTHROPIC).baseUrl()).isEqualTo("https://openrouter.ai/api");
        assertThat(first(p, Protocol.ANTHROPIC).apiBase()).isEqualTo("https://openrouter.ai/api/v1");
    }

    @Test
    void givesAnUnknownHostTheOperatorsPathThenGenericGuesses() {
        Proposal root = URLS.propose("https://relay.example.com");
        assertThat(root.vendor().isUnknown()).isTrue();
        assertThat(apiBases(root, Protocol.OPENAI)).containsExactly("https://relay.example.com/v1");
        assertThat(root.candidates(Protocol.OPENAI).getFirst().source()).isEqualTo(Source.OPERATOR);
        assertThat(apiBases(root, Protocol.ANTHROPIC))
                .containsExactly("https://relay.example.com/v1", "https://relay.example.com/anthropic/v1");
        assertThat(root.candidates(Protocol.ANTHROPIC))
                .extracting(Candidate::source)
                .containsExactly(Source.OPERATOR, Source.FALLBACK);

        Proposal deep = URLS.propose("https://relay.example.com/openai/v1");
        assertThat(apiBases(deep, Protocol.OPENAI))
                .containsExactly("https://relay.example.com/openai/v1", "https://relay.example.com/v1");
        // an "openai" segment is no Anthropic base
        assertThat(apiBases(deep, Protocol.ANTHROPIC))
                .containsExactly("https://relay.example.com/v1", "https://relay.example.com/anthropic/v1");

        Proposal claude = URLS.propose("https://relay.example.com/claude");
        assertThat(apiBases(claude, Protocol.ANTHROPIC)).startsWith("https://relay.example.com/claude/v1");
        assertThat(apiBases(claude, Protocol.OPENAI)).containsExactly("https://relay.example.com/v1");

        Proposal unversioned = URLS.propose("https://relay.example.com/openai");
        assertThat(first(unversioned, Protocol.OPENAI).apiBase()).isEqualTo("https://relay.example.com/openai/v1");
    }

    @Test
    void givesAKnownVendorGenericGuessesOnlyForAProtocolItsDataOmits() {
        Proposal p = URLS.propose("https://api.stepfun.com/v1");
        assertThat(apiBases(p, Protocol.OPENAI)).containsExactly("https://api.stepfun.com/v1");
        assertThat(p.candidates(Protocol.ANTHROPIC))
                .extracting(Candidate::source)
                .doesNotContain(Source.VENDOR);
        assertThat(apiBases(p, Protocol.ANTHROPIC))
                .containsExactly("https://api.stepfun.com/v1", "https://api.stepfun.com/anthropic/v1");
    }

    @Test
    void keepsPortsSchemesIpv6AndTurnsAnInternationalHostIntoPunycode() {
        assertThat(URLS.propose("http://127.0.0.1:8190/v1").origin()).isEqualTo("http://127.0.0.1:8190");
        assertThat(URLS.propose("http://relay.example.com:80/v1").origin()).isEqualTo("http://relay.example.com");
        assertThat(URLS.propose("https://relay.example.com:8443").origin()).isEqualTo("https://relay.example.com:8443");
        assertThat(URLS.propose("http://[2001:DB8::1]:8080/v1").origin()).isEqualTo("http://[2001:db8::1]:8080");
        Proposal idn = URLS.propose("https://中转.例子.com/v1");
        assertThat(idn.origin()).isEqualTo("https://xn--fiqq40n.xn--fsqu00a.com");
        assertThat(first(idn, Protocol.OPENAI).apiBase()).isEqualTo("https://xn--fiqq40n.xn--fsqu00a.com/v1");
        assertThat(URLS.propose("https://relay.example.com/a/./b/../v1").cleaned())
                .isEqualTo("https://relay.example.com/a/v1");
    }

    @Test
    void everyCandidateNormalisesOnTheEdgeToItsApiBase() {
        for (String input : List.of(
                "https://api.deepseek.com",
                "https://api.deepseek.com/anthropic/v1/messages",
                "https://open.bigmodel.cn/api/anthropic",
                "https://open.bigmodel.cn/api/paas",
                "https://dashscope.aliyuncs.com/compatible-mode/v1/",
                "https://api.anthropic.com",
                "https://openrouter.ai/api",
                "https://relay.example.com/x/v2beta",
                "https://relay.example.com/api/v3/chat/completions",
                "https://relay.example.com/proxy/anthropic",
                "http://127.0.0.1:8190",
                "https://中转.例子.com")) {
            Proposal p = URLS.propose(input);
            for (Protocol protocol : Protocol.values()) {
                assertThat(p.candidates(protocol)).as(input + " " + protocol).isNotEmpty();
                for (Candidate c : p.candidates(protocol)) {
                    assertThat(edgeNormaliseApiBase(c.baseUrl()).toString())
                            .as(input + " -> " + c)
                            .isEqualTo(c.apiBase());
                    assertThat(edgeNormaliseApiBase(c.apiBase()).toString()).isEqualTo(c.apiBase());
                    assertThat(c.apiBase()).matches("https?://[^/]+(/.*)?/v[0-9]+(beta)?");
                }
                assertThat(p.candidates(protocol))
                        .extracting(Candidate::apiBase)
                        .doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void aCandidateCarriesTheEdgesBaseUrlIntoTheContract() {
        Candidate c = first(URLS.propose("https://api.deepseek.com/anthropic"), Protocol.ANTHROPIC);
        assertThat(c.toApiBase()).isEqualTo(new ApiBase(Protocol.ANTHROPIC, "https://api.deepseek.com/anthropic"));
        assertThat(c.endpoint("models")).isEqualTo("https://api.deepseek.com/anthropic/v1/models");
    }

    @Test
    void refusesACandidateTheEdgeWouldNormaliseElsewhere() {
        assertThatThrownBy(() -> new Candidate(
                        Protocol.OPENAI,
                        "https://x.example.com/openai",
                        "https://x.example.com/openai",
                        Source.OPERATOR))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("normalises on the edge to https://x.example.com/openai/v1");
    }

    @Test
    void rejectsUrlsItCannotUseWithAClearMessage() {
        assertRejected(null, "empty");
        assertRejected("   ", "empty");
        assertRejected("api.deepseek.com/v1", "must start with https://");
        assertRejected("localhost:8080", "must start with https://");
        assertRejected("ftp://api.deepseek.com/v1", "only http and https");
        assertRejected("file:///etc/passwd", "only http and https");
        assertRejected("https://user:secret@api.deepseek.com/v1", "must not contain user info");
        assertRejected("https://sk-abc@api.deepseek.com/v1", "must not contain user info");
        assertRejected("https://api.deepseek.com/v1?api-version=1", "must not have a query");
        assertRejected("https://api.deepseek.com/v1?", "must not have a query");
        assertRejected("https://api.deepseek.com/v1#models", "must not have a fragment");
        assertRejected("https://api.deep seek.com/v1", "contains whitespace");
        assertRejected("https:///v1", "has no host");
        assertRejected("https://api.deepseek.com:99999/v1", "port");
        assertRejected("https://my_host.example.com/v1", "host is not a valid name");
        assertRejected("https://api.deepseek.com/../v1", "climbs above the root");
        assertRejected("https://[::1/v1", "not a valid URL");
    }

    @Test
    void theMessageOfARejectionDoesNotEchoAVeryLongInputInFull() {
        String input = "https://api.deepseek.com/v1?" + "x".repeat(10_000);
        assertThatThrownBy(() -> URLS.propose(input))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static void assertRejected(String input, String message) {
        assertThatThrownBy(() -> URLS.propose(input))
                .as(String.valueOf(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    static Candidate first(Proposal p, Protocol protocol) {
        return p.candidates(protocol).getFirst();
    }

    static List<String> apiBases(Proposal p, Protocol protocol) {
        return p.candidates(protocol).stream().map(Candidate::apiBase).toList();
    }

    /** The rule the edge routes with (shared: {@code ApiBases}), the one to agree with. */
    static URI edgeNormaliseApiBase(String baseUrl) {
        return dev.relay.contracts.ApiBases.normalise(baseUrl);
    }
}
