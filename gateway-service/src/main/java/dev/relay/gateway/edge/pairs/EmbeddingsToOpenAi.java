package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.StreamTranslator;

/** OpenAI embeddings to an OpenAI-compatible channel: passthrough with the model renamed. */
final class EmbeddingsToOpenAi extends Passthrough {

    EmbeddingsToOpenAi(ClientRequest r, ChannelRoute ch) {
        super(r, ch);
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/embeddings", r.req().rewrite(upstreamModel, false));
    }

    @Override
    public StreamTranslator stream() {
        throw new IllegalStateException("embeddings are never streamed (refused at admission)");
    }
}
