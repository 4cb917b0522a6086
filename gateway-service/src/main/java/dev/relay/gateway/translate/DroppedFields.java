package dev.relay.gateway.translate;

import java.util.Set;
import java.util.TreeSet;

/**
 * The names of request fields a translation could not carry to the upstream and left out (the drop-don't-refuse
 * policy: same-protocol requests pass unknown fields through; translated ones drop them and say so in the response
 * header {@value #HEADER}). Names are field paths as the client wrote them ({@code thinking}, {@code
 * output_config.effort}, {@code tools.defer_loading}); each appears once, sorted.
 */
public final class DroppedFields {

    /** The response header that names what was dropped. */
    public static final String HEADER = "x-relay-dropped-fields";

    private static final int MAX_NAME = 64;
    private static final int MAX_NAMES = 32;

    private final Set<String> names = new TreeSet<>();

    public void add(String field) {
        if (field == null || field.isEmpty() || names.size() >= MAX_NAMES) {
            return;
        }
        // field names come from client JSON: keep the header value a plain token list
        StringBuilder sb = new StringBuilder(Math.min(field.length(), MAX_NAME));
        for (int i = 0; i < field.length() && sb.length() < MAX_NAME; i++) {
            char c = field.charAt(i);
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '.'
                    || c == '-'
                    || c == '['
                    || c == ']') {
                sb.append(c);
            }
        }
        if (!sb.isEmpty()) {
            names.add(sb.toString());
        }
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    public Set<String> names() {
        return Set.copyOf(names);
    }

    /** The header value: names joined with {@code ", "}. */
    public String headerValue() {
        return String.join(", ", names);
    }

    @Override
    public String toString() {
        return headerValue();
    }
}
