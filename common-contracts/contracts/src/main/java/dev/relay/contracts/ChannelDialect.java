package dev.relay.contracts;

/**
 * How an OpenAI-compatible upstream differs from OpenAI where a translation must choose, in the edge's wire names
 * (the channel's {@code dialect}): {@code reasoning} ({@code none}, {@code reasoning_effort}, {@code enable_thinking},
 * {@code thinking_type}, {@code reasoning_object}, {@code chat_template_kwargs}) and {@code systemMessages} ({@code
 * inline}, {@code leading}).
 */
public record ChannelDialect(String reasoning, String systemMessages) {}
