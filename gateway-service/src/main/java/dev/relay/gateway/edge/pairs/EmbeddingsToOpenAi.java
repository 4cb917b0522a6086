package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.Translated;
import dev.relay.gateway.wire.UsageReader;

/** OpenAI embeddings to an OpenAI-compatible channel: passthrough with the model renamed. */
final class EmbeddingsToOpenAi implements Translator {
    private final ClientRequest r;
    private final String upstreamModel;

    EmbeddingsToOpenAi(ClientRequest r, ChannelRoute ch) {
        this.r = r;
        this.upstreamModel = ch.upstreamModel(r.publicModel());
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/embeddings", r.req().rewrite(upstreamModel, false));
    }

    @Override
    public Translated response(byte[] upstreamBody) {
        return new Translated(
                Adapt.renameModel(upstreamBody, upstreamModel, r.publicModel()),
                UsageReader.fromBody(upstreamBody, 0, upstreamBody.length));
    }

    @Override
    public StreamTranslator stream() {
        throw new IllegalStateException("embeddings are never streamed (refused at admission)");
    }

    @Override
    public boolean ownsBody() {
        return false;
    }
}
