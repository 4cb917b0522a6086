package dev.relay.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorProperties;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class KeyScriptTests {

    @Test
    void parsesEverySegmentOfACombinedKey() {
        KeyScript script = KeyScript.parse("openai-only_models=qwen-plus+qwen-max_warmup-403");

        assertThat(script.protocol()).isEqualTo(ApiFlavor.OPENAI);
        assertThat(script.models()).containsExactly("qwen-plus", "qwen-max");
        assertThat(script.behavior()).isEqualTo(new Behavior.Spec(Behavior.WARMUP, 403, -1));
        assertThat(script.noTools()).isFalse();
    }

    @Test
    void aSingleSegmentKeyMeansWhatItMeantBefore() {
        assertThat(KeyScript.parse("429-5").behavior()).isEqualTo(new Behavior.Spec(Behavior.RATE_LIMIT, 429, 5));
        assertThat(KeyScript.parse("drop-after-3").behavior()).isEqualTo(new Behavior.Spec(Behavior.DROP_AFTER, 0, 3));
        assertThat(KeyScript.parse("models-only").behavior().behavior()).isEqualTo(Behavior.MODELS_ONLY);
        assertThat(KeyScript.parse("models-only").models()).isNull();
        assertThat(KeyScript.parse("no-tools")).isEqualTo(new KeyScript(null, null, null, true));
        assertThat(KeyScript.parse("whatever")).isEqualTo(KeyScript.NONE);
    }

    @Test
    void modelIdsKeepTheirCaseAndPunctuationWhileKeywordsIgnoreCase() {
        KeyScript script = KeyScript.parse(
                "MODELS=Qwen/Qwen2.5-72B-Instruct+deepseek-ai/DeepSeek-V3:latest+glm-4.5_Anthropic-Only");

        assertThat(script.models())
                .containsExactly("Qwen/Qwen2.5-72B-Instruct", "deepseek-ai/DeepSeek-V3:latest", "glm-4.5");
        assertThat(script.protocol()).isEqualTo(ApiFlavor.ANTHROPIC);
    }

    @Test
    void aTildeSeparatesTheSegmentsWhenModelIdsHaveUnderscores() {
        KeyScript script = KeyScript.parse("anthropic-only~models=my_model+other_model~no-tools");

        assertThat(script.models()).containsExactly("my_model", "other_model");
        assertThat(script.protocol()).isEqualTo(ApiFlavor.ANTHROPIC);
        assertThat(script.noTools()).isTrue();
    }

    @Test
    void unknownAndEmptySegmentsAreIgnoredAndTheLastOfAKindWins() {
        KeyScript script = KeyScript.parse("run=42__500_openai-only_anthropic-only_503_models=a_models=b+b+_");

        assertThat(script.behavior()).isEqualTo(new Behavior.Spec(Behavior.STATUS, 503, -1));
        assertThat(script.protocol()).isEqualTo(ApiFlavor.ANTHROPIC);
        assertThat(script.models()).containsExactly("b");
        assertThat(KeyScript.parse("models=").models()).isEmpty();
    }

    @Test
    void parsesTheNonStandardBodyAndWarmUpBehavioursWithTheirStatuses() {
        assertThat(Behavior.parse("warmup")).isEqualTo(new Behavior.Spec(Behavior.WARMUP, 403, -1));
        assertThat(Behavior.parse("warmup-401")).isEqualTo(new Behavior.Spec(Behavior.WARMUP, 401, -1));
        assertThat(Behavior.parse("error-string")).isEqualTo(new Behavior.Spec(Behavior.ERROR_STRING, 401, -1));
        assertThat(Behavior.parse("error-string-429")).isEqualTo(new Behavior.Spec(Behavior.ERROR_STRING, 429, -1));
        assertThat(Behavior.parse("html")).isEqualTo(new Behavior.Spec(Behavior.HTML, 403, -1));
        assertThat(Behavior.parse("HTML-502")).isEqualTo(new Behavior.Spec(Behavior.HTML, 502, -1));
        assertThat(Behavior.parse("empty-200")).isEqualTo(new Behavior.Spec(Behavior.EMPTY, 200, -1));
        assertThat(Behavior.parse("empty")).isEqualTo(new Behavior.Spec(Behavior.EMPTY, 200, -1));
        assertThat(Behavior.parse("text-200")).isEqualTo(new Behavior.Spec(Behavior.TEXT, 200, -1));
        assertThat(Behavior.find("html-99")).isNull();
        assertThat(Behavior.find("warmup-200")).isNull();
        assertThat(Behavior.find("run=42")).isNull();
    }

    @Test
    void parsesOkThenWithItsCountAndFailure() {
        assertThat(Behavior.parse("ok-then-429-after-2"))
                .isEqualTo(new Behavior.Spec(Behavior.OK_THEN, 0, 2, new Behavior.Spec(Behavior.RATE_LIMIT, 429, -1)));
        assertThat(Behavior.parse("ok-then-429-5-after-3").then())
                .isEqualTo(new Behavior.Spec(Behavior.RATE_LIMIT, 429, 5));
        assertThat(Behavior.parse("ok-then-quota"))
                .isEqualTo(new Behavior.Spec(Behavior.OK_THEN, 0, 1, new Behavior.Spec(Behavior.QUOTA, 0, -1)));
        assertThat(Behavior.parse("ok-then-html-502-after-0").then())
                .isEqualTo(new Behavior.Spec(Behavior.HTML, 502, -1));
        assertThat(Behavior.parse("ok-then-error-string-after-4").then())
                .isEqualTo(new Behavior.Spec(Behavior.ERROR_STRING, 401, -1));
        // only failures answered before the handler: no drops, no nesting
        assertThat(Behavior.find("ok-then-drop-after-2")).isNull();
        assertThat(Behavior.find("ok-then-ok-then-429")).isNull();
        assertThat(Behavior.find("ok-then")).isNull();
    }

    @Test
    void theHeaderBehaviorReplacesOnlyTheKeysBehaviorSegment() {
        ScenarioResolver resolver = new ScenarioResolver(properties());
        HttpHeaders headers = bearer("sk-sim-openai-only_models=a+b_429_no-tools");

        Scenario byKey = resolver.resolve(headers, ApiFlavor.OPENAI);
        assertThat(byKey.behavior()).isEqualTo(Behavior.RATE_LIMIT);
        assertThat(byKey.protocol()).isEqualTo(ApiFlavor.OPENAI);
        assertThat(byKey.models()).containsExactly("a", "b");
        assertThat(byKey.allowedModels()).containsExactly("a", "b");
        assertThat(byKey.noTools()).isTrue();

        headers.set("x-sim-behavior", "none");
        headers.set("x-sim-protocol", "any");
        Scenario overridden = resolver.resolve(headers, ApiFlavor.OPENAI);
        assertThat(overridden.behavior()).isEqualTo(Behavior.NONE);
        assertThat(overridden.protocol()).isNull();
        assertThat(overridden.allowedModels()).containsExactly("a", "b");
    }

    @Test
    void xSimModelsListsWithoutRestrictingUnlessStrict() {
        ScenarioResolver resolver = new ScenarioResolver(properties());
        HttpHeaders headers = bearer("sk-test");
        assertThat(resolver.resolve(headers, ApiFlavor.OPENAI).allowedModels()).isNull();

        headers.set("x-sim-models", "x, y");
        Scenario listed = resolver.resolve(headers, ApiFlavor.OPENAI);
        assertThat(listed.models()).containsExactly("x", "y");
        assertThat(listed.allowedModels()).isNull();
        assertThat(listed.refusesModel("z")).isFalse();

        headers.set("x-sim-models-strict", "true");
        assertThat(resolver.resolve(headers, ApiFlavor.OPENAI).refusesModel("z"))
                .isTrue();
        headers.remove("x-sim-models");
        assertThat(resolver.resolve(headers, ApiFlavor.OPENAI).allowedModels()).containsExactly("m");
        headers.set("x-sim-protocol", "Anthropic");
        assertThat(resolver.resolve(headers, ApiFlavor.OPENAI).serves(ApiFlavor.OPENAI))
                .isFalse();
    }

    @Test
    void okThenCarriesItsCountFailureAndRetryAfter() {
        ScenarioResolver resolver = new ScenarioResolver(properties());
        Scenario scenario = resolver.resolve(bearer("sk-sim-ok-then-429-7-after-2"), ApiFlavor.OPENAI);

        assertThat(scenario.behavior()).isEqualTo(Behavior.OK_THEN);
        assertThat(scenario.okFirst()).isEqualTo(2);
        assertThat(scenario.failure()).isEqualTo(new Behavior.Spec(Behavior.RATE_LIMIT, 429, 7));
        assertThat(scenario.retryAfterSeconds()).isEqualTo(7);
    }

    @Test
    void aScriptedKeyIsParsedOnceAndOtherKeysNotAtAll() {
        ScenarioResolver resolver = new ScenarioResolver(properties());

        assertThat(resolver.script("sk-sim-models=a_429")).isSameAs(resolver.script("sk-sim-models=a_429"));
        assertThat(resolver.script("sk-test_models=a")).isSameAs(KeyScript.NONE);
        assertThat(resolver.script(null)).isSameAs(KeyScript.NONE);
    }

    private static HttpHeaders bearer(String key) {
        HttpHeaders headers = new HttpHeaders();
        headers.set("authorization", "Bearer " + key);
        return headers;
    }

    private static SimulatorProperties properties() {
        return new SimulatorProperties(List.of("m"), List.of(), 10, 5, 0, 1000, 0, 8, 1024);
    }
}
