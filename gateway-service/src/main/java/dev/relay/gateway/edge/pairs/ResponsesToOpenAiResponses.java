package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.OpenAiChatStream;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.Translated;
import dev.relay.gateway.wire.UsageReader;

/**
 * The Responses API to a channel that has it ({@code capabilities.responses}): passthrough with the model renamed.
 * Its streams have no terminator event the edge could require ({@code response.completed} is data).
 */
final class ResponsesToOpenAiResponses implements Translator {
    private final ClientRequest r;
    private final String upstreamModel;

    ResponsesToOpenAiResponses(ClientRequest r, ChannelRoute ch) {
        this.r = r;
        this.upstreamModel = ch.upstreamModel(r.publicModel());
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/responses", r.req().rewrite(upstreamModel, false));
    }

    @Override
    public Translated response(byte[] upstreamBody) {
        return new Translated(
                Adapt.renameModel(upstreamBody, upstreamModel, r.publicModel()),
                UsageReader.fromBody(upstreamBody, 0, upstreamBody.length));
    }

    @Override
    public StreamTranslator stream() {
        return new OpenAiChatStream(upstreamModel, r.publicModel(), false);
    }

    @Override
    public boolean ownsBody() {
        return false;
    }

    @Override
    public boolean streamNeedsTerminator() {
        return false;
    }
}
