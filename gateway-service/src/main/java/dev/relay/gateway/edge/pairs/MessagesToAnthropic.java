package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.AnthropicPassthroughStream;
import dev.relay.gateway.translate.StreamTranslator;

/** Anthropic Messages to an Anthropic channel: passthrough with the model renamed and the client's version headers. */
final class MessagesToAnthropic extends Passthrough {
    private final byte[] body;

    MessagesToAnthropic(ClientRequest r, ChannelRoute ch) {
        super(r, ch);
        this.body = Adapt.anthropic(ch, r.req().rewrite(upstreamModel, false));
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/messages", body, r.anthropicHeaders());
    }

    @Override
    public StreamTranslator stream() {
        return new AnthropicPassthroughStream(upstreamModel, r.publicModel());
    }
}
