package dev.relay.imports.console;

import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** JSON for data blocks in pages ({@code <script type="application/json">}): never able to close the block early. */
@Component("consoleJson")
public class ConsoleJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public String write(Object value) {
        return JSON.writeValueAsString(value)
                .replace("<", "\\u003c")
                .replace(">", "\\u003e")
                .replace("&", "\\u0026");
    }
}
