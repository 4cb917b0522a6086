package dev.relay.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorProperties;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class BehaviorTests {

    @Test
    void parsesNamesStatusesAndTrailingParameters() {
        assertThat(Behavior.parse("429")).isEqualTo(new Behavior.Spec(Behavior.RATE_LIMIT, 429, -1));
        assertThat(Behavior.parse("429-5")).isEqualTo(new Behavior.Spec(Behavior.RATE_LIMIT, 429, 5));
        assertThat(Behavior.parse("503")).isEqualTo(new Behavior.Spec(Behavior.STATUS, 503, -1));
        assertThat(Behavior.parse("Quota")).isEqualTo(new Behavior.Spec(Behavior.QUOTA, 0, -1));
        assertThat(Behavior.parse("drop-after")).isEqualTo(new Behavior.Spec(Behavior.DROP_AFTER, 0, -1));
        assertThat(Behavior.parse("drop-after-3")).isEqualTo(new Behavior.Spec(Behavior.DROP_AFTER, 0, 3));
        assertThat(Behavior.parse("fail-first-2")).isEqualTo(new Behavior.Spec(Behavior.FAIL_FIRST, 0, 2));
        assertThat(Behavior.parse("latency-250")).isEqualTo(new Behavior.Spec(Behavior.LATENCY, 0, 250));
        assertThat(Behavior.parse("models-only").behavior()).isEqualTo(Behavior.MODELS_ONLY);
        assertThat(Behavior.parse("whatever").behavior()).isEqualTo(Behavior.NONE);
        assertThat(Behavior.parse("200").behavior()).isEqualTo(Behavior.NONE);
        assertThat(Behavior.parse(null).behavior()).isEqualTo(Behavior.NONE);
    }

    @Test
    void headerBeatsKeyAndHeadersGiveParameters() {
        ScenarioResolver resolver = new ScenarioResolver(properties(List.of()));
        HttpHeaders headers = new HttpHeaders();
        headers.set("authorization", "Bearer sk-sim-drop-after-3");

        Scenario byKey = resolver.resolve(headers, ApiFlavor.OPENAI);
        assertThat(byKey.behavior()).isEqualTo(Behavior.DROP_AFTER);
        assertThat(byKey.eventsBeforeFault()).isEqualTo(3);

        headers.set("x-sim-drop-after", "7");
        assertThat(resolver.resolve(headers, ApiFlavor.OPENAI).eventsBeforeFault())
                .isEqualTo(7);

        headers.set("x-sim-behavior", "none");
        assertThat(resolver.resolve(headers, ApiFlavor.OPENAI).behavior()).isEqualTo(Behavior.NONE);
    }

    @Test
    void keysDefaultToAnySkPrefixAndCanBeRestricted() {
        ScenarioResolver open = new ScenarioResolver(properties(List.of()));
        assertThat(open.accepts("sk-anything")).isTrue();
        assertThat(open.accepts("sk-bad")).isFalse();
        assertThat(open.accepts("pk-nope")).isFalse();
        assertThat(open.accepts(null)).isFalse();

        ScenarioResolver restricted = new ScenarioResolver(properties(List.of("sk-one")));
        assertThat(restricted.accepts("sk-one")).isTrue();
        assertThat(restricted.accepts("sk-two")).isFalse();
        assertThat(restricted.accepts("sk-sim-429")).isTrue();
    }

    @Test
    void eitherAuthHeaderWorksAndTheFlavorsOwnWins() {
        HttpHeaders headers = new HttpHeaders();
        headers.set("x-api-key", "sk-anthropic");
        assertThat(ScenarioResolver.apiKey(headers, ApiFlavor.OPENAI)).isEqualTo("sk-anthropic");
        headers.set("authorization", "Bearer sk-openai");
        assertThat(ScenarioResolver.apiKey(headers, ApiFlavor.OPENAI)).isEqualTo("sk-openai");
        assertThat(ScenarioResolver.apiKey(headers, ApiFlavor.ANTHROPIC)).isEqualTo("sk-anthropic");
    }

    private static SimulatorProperties properties(List<String> keys) {
        return new SimulatorProperties(List.of("m"), keys, 10, 5, 0, 1000, 0, 8, 1024);
    }
}
