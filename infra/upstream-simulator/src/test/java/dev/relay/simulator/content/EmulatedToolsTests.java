package dev.relay.simulator.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmulatedToolsTests {

    @Test
    void findsTheToolsOfTheContractAsJsonLinesOrAnArray() {
        EmulatedTools.Contract lines = EmulatedTools.find("Be brief.\n\n# Tools (relay tool emulation)\n\n<tools>\n"
                + "{\"name\":\"a\",\"parameters\":{\"type\":\"object\"}}\n{\"name\":\"b\"}\nnot json\n</tools>\n");
        EmulatedTools.Contract array =
                EmulatedTools.find("# Tools (relay tool emulation)\nBetween <tools> and </tools>:"
                        + "\n<tools>\n[{\"name\":\"x\"}]\n</tools>\nYou must call at least one tool in this answer.");

        assertThat(lines.tools()).extracting(ToolCalls.Tool::name).containsExactly("a", "b");
        assertThat(lines.mode()).isEqualTo(ToolCalls.Mode.AUTO);
        assertThat(array.tools()).extracting(ToolCalls.Tool::name).containsExactly("x");
        assertThat(array.mode()).isEqualTo(ToolCalls.Mode.REQUIRED);
        assertThat(EmulatedTools.find("no marker <tools>[{\"name\":\"x\"}]</tools>"))
                .isNull();
    }

    @Test
    void writesTheCallsAsAToolCallsBlock() {
        String block = EmulatedTools.block(List.of(
                new ToolCalls.Call("call_1", "a", "{\"q\":\"sim-q\"}"), new ToolCalls.Call("call_2", "b", "{}")));

        assertThat(block)
                .isEqualTo(
                        "<tool_calls>\n[{\"name\":\"a\",\"arguments\":{\"q\":\"sim-q\"}},{\"name\":\"b\",\"arguments\":{}}]"
                                + "\n</tool_calls>");
        assertThat(EmulatedTools.isToolResult("<tool_result tool_call_id=\"c\">x</tool_result>"))
                .isTrue();
        assertThat(EmulatedTools.isToolResult("weather?")).isFalse();
    }
}
