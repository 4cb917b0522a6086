package dev.relay.simulator.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a scripted API key asks for. The part after {@code sk-sim-} is a list of segments separated by {@code _}, or by
 * {@code ~} when it contains a {@code ~} (for model names with an underscore):
 *
 * <ul>
 *   <li>{@code models=<id>+<id>...}: the only models {@code /v1/models} lists and the generation endpoints accept;
 *   <li>{@code openai-only} / {@code anthropic-only}: the only protocol served, the other's paths answer 404;
 *   <li>{@code no-tools}: the model has no native tools;
 *   <li>a behaviour ({@link Behavior#find}): {@code 429-5}, {@code warmup-403}, {@code ok-then-429-after-2}, ...;
 *   <li>anything else is ignored (e.g. {@code run=42}, to make a key and its counters unique).
 * </ul>
 *
 * <p>Keywords and behaviours are case-insensitive, model ids are kept as written. A later segment of the same kind
 * replaces an earlier one. Example: {@code sk-sim-openai-only_models=qwen-plus+qwen-max_warmup-403}.
 *
 * @param behavior the behaviour segment, or null when the key has none
 * @param models the {@code models=} list, or null when the key has none
 * @param protocol the only protocol served, or null for both
 * @param noTools {@code no-tools}
 */
public record KeyScript(Behavior.Spec behavior, List<String> models, ApiFlavor protocol, boolean noTools) {

    /** A key that scripts nothing (not an {@code sk-sim-} key). */
    public static final KeyScript NONE = new KeyScript(null, null, null, false);

    private static final String MODELS = "models=";

    /** Parses the part of a key after {@code sk-sim-}. */
    public static KeyScript parse(String script) {
        char separator = script.indexOf('~') >= 0 ? '~' : '_';
        Behavior.Spec behavior = null;
        List<String> models = null;
        ApiFlavor protocol = null;
        boolean noTools = false;
        for (String segment : split(script, separator)) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.regionMatches(true, 0, MODELS, 0, MODELS.length())) {
                models = List.copyOf(split(segment.substring(MODELS.length()), '+').stream()
                        .filter(id -> !id.isEmpty())
                        .distinct()
                        .toList());
                continue;
            }
            switch (segment.toLowerCase(Locale.ROOT)) {
                case "openai-only" -> protocol = ApiFlavor.OPENAI;
                case "anthropic-only" -> protocol = ApiFlavor.ANTHROPIC;
                case "no-tools" -> noTools = true;
                default -> {
                    Behavior.Spec spec = Behavior.find(segment);
                    if (spec != null) {
                        behavior = spec;
                    }
                }
            }
        }
        return new KeyScript(behavior, models, protocol, noTools);
    }

    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>(4);
        int from = 0;
        for (int at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, from)) {
            parts.add(text.substring(from, at));
            from = at + 1;
        }
        parts.add(text.substring(from));
        return parts;
    }
}
