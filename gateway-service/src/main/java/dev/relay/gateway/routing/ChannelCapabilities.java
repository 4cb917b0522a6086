package dev.relay.gateway.routing;

/**
 * What a channel can serve. Defaults (all true except {@code responses} and the two degradations) suit an
 * OpenAI-compatible chat upstream; {@code responses} must be declared because most compatible vendors lack
 * {@code /v1/responses}.
 *
 * @param tools the upstream calls tools natively
 * @param toolEmulation when {@code tools} is false: the edge injects the tool contract into the prompt and parses the
 *     model's action block back into tool calls (OpenAI-protocol channels). Ignored when {@code tools} is true.
 * @param vision the upstream accepts images
 * @param imageFallback when {@code vision} is false: images are replaced by an {@code [image]} text placeholder
 *     instead of sending them (or skipping the channel)
 */
public record ChannelCapabilities(
        boolean chat,
        boolean streaming,
        boolean tools,
        boolean vision,
        boolean embeddings,
        boolean responses,
        boolean toolEmulation,
        boolean imageFallback) {
    public static final ChannelCapabilities DEFAULT =
            new ChannelCapabilities(true, true, true, true, true, false, false, false);

    /** Tools go through the prompt contract rather than the upstream's native tool API. */
    public boolean emulatesTools() {
        return !tools && toolEmulation;
    }

    /** Images are degraded to a placeholder for this channel. */
    public boolean degradesImages() {
        return !vision && imageFallback;
    }
}
