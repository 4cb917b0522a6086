package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.AnthropicPassthroughStream;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.Translated;
import dev.relay.gateway.wire.UsageReader;

/** Anthropic Messages to an Anthropic channel: passthrough with the model renamed and the client's version headers. */
final class MessagesToAnthropic implements Translator {
    private final ClientRequest r;
    private final String upstreamModel;
    private final byte[] body;

    MessagesToAnthropic(ClientRequest r, ChannelRoute ch) {
        this.r = r;
        this.upstreamModel = ch.upstreamModel(r.publicModel());
        this.body = Adapt.anthropic(ch, r.req().rewrite(upstreamModel, false));
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/messages", body, r.anthropicHeaders());
    }

    @Override
    public Translated response(byte[] upstreamBody) {
        return new Translated(
                Adapt.renameModel(upstreamBody, upstreamModel, r.publicModel()),
                UsageReader.fromBody(upstreamBody, 0, upstreamBody.length));
    }

    @Override
    public StreamTranslator stream() {
        return new AnthropicPassthroughStream(upstreamModel, r.publicModel());
    }

    @Override
    public boolean ownsBody() {
        return false;
    }
}
