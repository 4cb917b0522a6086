package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.OpenAiChatStream;
import dev.relay.gateway.translate.StreamTranslator;

/**
 * The Responses API to a channel that has it ({@code capabilities.responses}): passthrough with the model renamed.
 * Its streams have no terminator event the edge could require ({@code response.completed} is data).
 */
final class ResponsesToOpenAiResponses extends Passthrough {

    ResponsesToOpenAiResponses(ClientRequest r, ChannelRoute ch) {
        super(r, ch);
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/responses", r.req().rewrite(upstreamModel, false));
    }

    @Override
    public StreamTranslator stream() {
        return new OpenAiChatStream(upstreamModel, r.publicModel(), false);
    }

    @Override
    public boolean streamNeedsTerminator() {
        return false;
    }
}
