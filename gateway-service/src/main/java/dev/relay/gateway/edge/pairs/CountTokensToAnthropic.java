package dev.relay.gateway.edge.pairs;

import dev.relay.contracts.UsageRecorded.TokenUsage;
import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.Translated;

/** Anthropic's {@code count_tokens} on an Anthropic channel (elsewhere the edge counts locally). */
final class CountTokensToAnthropic implements Translator {
    private final ClientRequest r;
    private final byte[] body;

    CountTokensToAnthropic(ClientRequest r, ChannelRoute ch) {
        this.r = r;
        this.body = Adapt.anthropic(ch, r.req().rewrite(ch.upstreamModel(r.publicModel()), false));
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/messages/count_tokens", body, r.anthropicHeaders());
    }

    @Override
    public Translated response(byte[] upstreamBody) {
        return new Translated(upstreamBody, TokenUsage.NONE); // counting is free
    }

    @Override
    public StreamTranslator stream() {
        throw new IllegalStateException("count_tokens is never streamed");
    }

    @Override
    public boolean ownsBody() {
        return false;
    }
}
