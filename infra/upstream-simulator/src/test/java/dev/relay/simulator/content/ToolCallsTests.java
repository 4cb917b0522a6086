package dev.relay.simulator.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ToolCallsTests {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final JsonNode WEATHER_SCHEMA = JSON.readTree("""
            {"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["c","f"]},
             "days":{"type":"integer"}},"required":["location","unit"]}
            """);

    @Test
    void argumentsFollowTheRequiredPropertiesOfTheSchema() {
        assertThat(JSON.readTree(ToolCalls.arguments(WEATHER_SCHEMA, 0)))
                .isEqualTo(JSON.readTree("{\"location\":\"sim-location\",\"unit\":\"c\"}"));
        assertThat(JSON.readTree(ToolCalls.arguments(WEATHER_SCHEMA, 1))
                        .path("location")
                        .stringValue())
                .isEqualTo("sim-location-1");
    }

    @Test
    void argumentsUseAllPropertiesWhenNoneAreRequired() {
        JsonNode schema = JSON.readTree(
                "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\"},\"b\":{\"type\":\"boolean\"}}}");

        assertThat(JSON.readTree(ToolCalls.arguments(schema, 0))).isEqualTo(JSON.readTree("{\"n\":1.5,\"b\":true}"));
        assertThat(ToolCalls.arguments(null, 0)).isEqualTo("{}");
    }

    @Test
    void autoModeCallsOnlyWhenTheUserAsksAboutWeather() {
        List<ToolCalls.Tool> tools = List.of(new ToolCalls.Tool("get_weather", WEATHER_SCHEMA));

        assertThat(ToolCalls.plan(tools, ToolCalls.Mode.AUTO, null, "What's the Weather?", false, 1, "call_"))
                .hasSize(1);
        assertThat(ToolCalls.plan(tools, ToolCalls.Mode.AUTO, null, "hello", false, 1, "call_"))
                .isEmpty();
        assertThat(ToolCalls.plan(tools, ToolCalls.Mode.NONE, null, "weather", false, 1, "call_"))
                .isEmpty();
        assertThat(ToolCalls.plan(tools, ToolCalls.Mode.REQUIRED, null, "hello", false, 1, "call_"))
                .hasSize(1);
        assertThat(ToolCalls.plan(tools, ToolCalls.Mode.AUTO, null, "hello", true, 1, "call_"))
                .hasSize(1);
        assertThat(ToolCalls.plan(List.of(), ToolCalls.Mode.REQUIRED, null, "weather", true, 1, "call_"))
                .isEmpty();
    }

    @Test
    void parallelCallsGetDistinctIdsAndRotateOverTools() {
        List<ToolCalls.Tool> tools =
                List.of(new ToolCalls.Tool("a", WEATHER_SCHEMA), new ToolCalls.Tool("b", WEATHER_SCHEMA));

        List<ToolCalls.Call> calls = ToolCalls.plan(tools, ToolCalls.Mode.REQUIRED, null, "", false, 2, "toolu_");

        assertThat(calls).extracting(ToolCalls.Call::name).containsExactly("a", "b");
        assertThat(calls)
                .extracting(ToolCalls.Call::id)
                .doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith("toolu_"));
        assertThat(ToolCalls.plan(tools, ToolCalls.Mode.REQUIRED, "b", "", false, 2, "call_"))
                .extracting(ToolCalls.Call::name)
                .containsExactly("b", "b");
    }

    @Test
    void fragmentsSplitWithoutLosingText() {
        String text = "{\"location\":\"sim-location\"}";

        List<String> fragments = Fragments.split(text, 5);

        assertThat(fragments).hasSize(5);
        assertThat(String.join("", fragments)).isEqualTo(text);
        assertThat(Fragments.split("ab", 5)).containsExactly("a", "b");
        assertThat(Fragments.split("", 3)).containsExactly("");
    }
}
