package dev.relay.gateway.translate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Maps a client's reasoning request onto the control an OpenAI-compatible upstream has ({@link
 * UpstreamDialect.Reasoning}); what the upstream cannot express is dropped and named.
 *
 * <p>From Anthropic Messages: {@code thinking: {"type": "enabled", "budget_tokens": n}}, {@code {"type":
 * "adaptive"}} or {@code {"type": "disabled"}}, and {@code output_config.effort} ({@code low|medium|high|max}). An
 * effort is carried as given ({@code max} as {@code high}, the highest OpenAI-style level); without one, a budget
 * stands for an effort: under 4,096 tokens {@code low}, under 16,384 {@code medium}, else {@code high}. Adaptive
 * thinking without an effort leaves the level to the upstream.
 */
public final class ReasoningControls {

    static final int LOW_BELOW = 4_096;
    static final int MEDIUM_BELOW = 16_384;

    private ReasoningControls() {}

    /** The reasoning a Messages request asks for: on/off (null = unsaid), a budget, an OpenAI-style effort. */
    record Wish(Boolean on, Long budget, String effort, boolean effortGiven) {}

    static Wish wish(JsonNode messagesRequest, DroppedFields dropped) {
        Boolean on = null;
        Long budget = null;
        JsonNode thinking = messagesRequest.get("thinking");
        if (thinking != null && !thinking.isNull()) {
            String type = thinking.path("type").asString("");
            switch (type) {
                case "enabled" -> {
                    on = Boolean.TRUE;
                    JsonNode b = thinking.get("budget_tokens");
                    if (b != null && b.isIntegralNumber() && b.canConvertToLong() && b.longValue() > 0) {
                        budget = b.longValue();
                    }
                }
                case "adaptive" -> on = Boolean.TRUE;
                case "disabled" -> on = Boolean.FALSE;
                default -> dropped.add("thinking");
            }
        }
        String effort = null;
        boolean effortGiven = false;
        JsonNode outputConfig = messagesRequest.get("output_config");
        if (outputConfig != null && outputConfig.isObject()) {
            for (String field : outputConfig.propertyNames()) {
                if (!field.equals("effort")
                        && !field.equals("format")
                        && !outputConfig.get(field).isNull()) {
                    dropped.add("output_config." + field);
                }
            }
            JsonNode e = outputConfig.get("effort");
            if (e != null && !e.isNull()) {
                effortGiven = true;
                effort = switch (e.asString("")) {
                    case "low" -> "low";
                    case "medium" -> "medium";
                    case "high", "max", "xhigh" -> "high";
                    default -> {
                        dropped.add("output_config.effort");
                        effortGiven = false;
                        yield null;
                    }
                };
            }
        } else if (outputConfig != null && !outputConfig.isNull()) {
            dropped.add("output_config");
        }
        return new Wish(on, budget, effort, effortGiven);
    }

    /** An OpenAI-style level for a thinking budget. */
    static String effortFor(long budget) {
        return budget < LOW_BELOW ? "low" : budget < MEDIUM_BELOW ? "medium" : "high";
    }

    /** Writes the Messages request's reasoning wish into a Chat request for the given control. */
    static void fromMessages(
            JsonNode messagesRequest, ObjectNode chat, UpstreamDialect.Reasoning control, DroppedFields dropped) {
        Wish w = wish(messagesRequest, dropped);
        if (w.on() == null && w.effort() == null) {
            return;
        }
        boolean thinkingSaid = w.on() != null;
        switch (control) {
            case NONE -> {
                if (thinkingSaid) {
                    dropped.add("thinking");
                }
                if (w.effortGiven()) {
                    dropped.add("output_config.effort");
                }
            }
            case REASONING_EFFORT -> {
                if (Boolean.FALSE.equals(w.on())) {
                    dropped.add("thinking"); // reasoning models cannot be switched off through reasoning_effort
                    return;
                }
                String effort = w.effort() != null ? w.effort() : w.budget() != null ? effortFor(w.budget()) : null;
                if (effort != null) {
                    chat.put("reasoning_effort", effort);
                }
            }
            case ENABLE_THINKING -> {
                if (thinkingSaid) {
                    chat.put("enable_thinking", w.on());
                    if (w.on() && w.budget() != null) {
                        chat.put("thinking_budget", w.budget());
                    }
                } else {
                    chat.put("enable_thinking", true); // an effort asks for reasoning
                }
                if (w.effortGiven()) {
                    dropped.add("output_config.effort");
                }
            }
            case THINKING_TYPE -> {
                chat.putObject("thinking").put("type", Boolean.FALSE.equals(w.on()) ? "disabled" : "enabled");
                if (w.budget() != null) {
                    dropped.add("thinking.budget_tokens");
                }
                if (w.effortGiven()) {
                    dropped.add("output_config.effort");
                }
            }
            case REASONING_OBJECT -> {
                ObjectNode r = chat.putObject("reasoning");
                if (Boolean.FALSE.equals(w.on())) {
                    r.put("enabled", false);
                } else if (w.effort() != null) {
                    r.put("effort", w.effort());
                } else if (w.budget() != null) {
                    r.put("max_tokens", w.budget());
                } else {
                    r.put("enabled", true);
                }
            }
            case CHAT_TEMPLATE_KWARGS -> {
                chat.putObject("chat_template_kwargs").put("enable_thinking", !Boolean.FALSE.equals(w.on()));
                if (w.budget() != null) {
                    dropped.add("thinking.budget_tokens");
                }
                if (w.effortGiven()) {
                    dropped.add("output_config.effort");
                }
            }
        }
    }
}
