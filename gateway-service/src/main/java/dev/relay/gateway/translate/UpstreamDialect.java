package dev.relay.gateway.translate;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How one OpenAI-compatible upstream differs from OpenAI's own Chat Completions dialect, where a translation has to
 * choose (CONVENTIONS 3: vendors are data, not classes). Set per channel ({@code dialect} in the admin API); the
 * defaults suit OpenAI itself and most vendors.
 *
 * @param reasoning which request parameter, if any, controls the upstream's reasoning ("thinking")
 * @param systemMessages where system messages that sit inside a conversation may go
 */
public record UpstreamDialect(Reasoning reasoning, SystemMessages systemMessages) {

    public static final UpstreamDialect DEFAULT = new UpstreamDialect(Reasoning.NONE, SystemMessages.INLINE);

    public UpstreamDialect {
        reasoning = reasoning == null ? Reasoning.NONE : reasoning;
        systemMessages = systemMessages == null ? SystemMessages.INLINE : systemMessages;
    }

    /** The upstream's reasoning control. Wire names are the lower-case constant names. */
    public enum Reasoning {
        /** No control the edge knows: thinking and effort requests are dropped (and named). */
        NONE,
        /** OpenAI, xAI, Gemini's OpenAI endpoint: {@code reasoning_effort: low|medium|high}. */
        REASONING_EFFORT,
        /** Qwen / DashScope: {@code enable_thinking: bool} and {@code thinking_budget: n}. */
        ENABLE_THINKING,
        /** GLM (Zhipu), DeepSeek V3.1+, Kimi K2.5: {@code thinking: {"type": "enabled"|"disabled"}}. */
        THINKING_TYPE,
        /** OpenRouter: {@code reasoning: {"effort": ...} | {"max_tokens": n} | {"enabled": false}}. */
        REASONING_OBJECT,
        /** vLLM / SGLang serving a hybrid-thinking model: {@code chat_template_kwargs: {"enable_thinking": bool}}. */
        CHAT_TEMPLATE_KWARGS;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where a system message inside the conversation goes on this upstream. */
    public enum SystemMessages {
        /** Kept at its place in the conversation as a {@code system} message (OpenAI, DeepSeek, most vendors). */
        INLINE,
        /**
         * Merged into the one leading system message, in order (upstreams whose chat template accepts a system
         * message only first, e.g. Qwen templates on vLLM: "System message must be at the beginning").
         */
        LEADING;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
