package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.OpenAiChatStream;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.Translated;
import dev.relay.gateway.wire.UsageReader;

/** OpenAI Chat Completions to an OpenAI-compatible channel: byte-level model rewrite, tool emulation if needed. */
final class ChatToOpenAi implements Translator {
    private final ClientRequest r;
    private final String upstreamModel;
    private final Adapt.Emulated sent;

    ChatToOpenAi(ClientRequest r, ChannelRoute ch) {
        this.r = r;
        this.upstreamModel = ch.upstreamModel(r.publicModel());
        this.sent = Adapt.openAi(ch, r.req().rewrite(upstreamModel, true));
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/chat/completions", sent.body());
    }

    @Override
    public Translated response(byte[] upstreamBody) {
        byte[] b = sent.response(upstreamBody);
        return new Translated(
                Adapt.renameModel(b, upstreamModel, r.publicModel()), UsageReader.fromBody(b, 0, b.length));
    }

    @Override
    public StreamTranslator stream() {
        return sent.stream(
                new OpenAiChatStream(upstreamModel, r.publicModel(), !r.req().clientIncludesUsage()));
    }

    @Override
    public boolean ownsBody() {
        return false;
    }
}
