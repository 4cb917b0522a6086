package dev.relay.contracts;

import java.util.Locale;

/** What the operator said about an item's protocol: {@code auto} lets probing detect it. */
public enum ProtocolHint {
    OPENAI,
    ANTHROPIC,
    AUTO;

    /** The hint for an operator's spelling ({@code openai}, {@code Anthropic}, {@code auto}); null for blank. */
    public static ProtocolHint parse(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
