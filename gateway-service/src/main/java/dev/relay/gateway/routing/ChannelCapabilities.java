package dev.relay.gateway.routing;

/**
 * What a channel can serve. Defaults (all true except {@code responses}) suit an OpenAI-compatible chat upstream;
 * {@code responses} must be declared because most compatible vendors lack {@code /v1/responses}.
 */
public record ChannelCapabilities(
        boolean chat, boolean streaming, boolean tools, boolean vision, boolean embeddings, boolean responses) {
    public static final ChannelCapabilities DEFAULT = new ChannelCapabilities(true, true, true, true, true, false);
}
