package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.AnthropicOverOpenAi;
import dev.relay.gateway.translate.DroppedFields;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.Translated;

/**
 * Anthropic Messages to an OpenAI-compatible chat channel ({@link AnthropicOverOpenAi}, in the channel's dialect),
 * with tool emulation where the channel needs it; {@code message_start} carries the locally counted input tokens.
 */
final class MessagesToOpenAi implements Translator {
    private final ClientRequest r;
    private final DroppedFields dropped = new DroppedFields();
    private final Adapt.Emulated sent;

    MessagesToOpenAi(ClientRequest r, ChannelRoute ch) {
        this.r = r;
        this.sent = Adapt.openAi(
                ch,
                AnthropicOverOpenAi.request(r.req().body(), ch.upstreamModel(r.publicModel()), ch.dialect(), dropped));
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/chat/completions", sent.body());
    }

    @Override
    public Translated response(byte[] upstreamBody) {
        return AnthropicOverOpenAi.response(sent.response(upstreamBody), r.publicModel());
    }

    @Override
    public StreamTranslator stream() {
        return sent.stream(AnthropicOverOpenAi.stream(
                r.publicModel(), r.answerId(), r.inputTokens().getAsLong()));
    }

    @Override
    public boolean ownsBody() {
        return true;
    }

    @Override
    public DroppedFields dropped() {
        return dropped;
    }
}
