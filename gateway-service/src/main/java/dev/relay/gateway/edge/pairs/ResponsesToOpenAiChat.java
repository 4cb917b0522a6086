package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.DroppedFields;
import dev.relay.gateway.translate.ResponsesOverChat;
import dev.relay.gateway.translate.ResponsesOverChatStream;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.Translated;

/** The Responses API to a chat-only OpenAI-compatible channel ({@link ResponsesOverChat}), tools emulated if needed. */
final class ResponsesToOpenAiChat implements Translator {
    private final ClientRequest r;
    private final DroppedFields dropped = new DroppedFields();
    private final ResponsesOverChat.Prepared prepared;
    private final Adapt.Emulated sent;

    ResponsesToOpenAiChat(ClientRequest r, ChannelRoute ch) {
        this.r = r;
        this.prepared =
                ResponsesOverChat.request(r.req().body(), ch.upstreamModel(r.publicModel()), ch.dialect(), dropped);
        this.sent = Adapt.openAi(ch, prepared.chatBody());
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/chat/completions", sent.body());
    }

    @Override
    public Translated response(byte[] upstreamBody) {
        return ResponsesOverChat.response(
                sent.response(upstreamBody), r.publicModel(), prepared, r.answerId(), r.createdAt());
    }

    @Override
    public StreamTranslator stream() {
        return sent.stream(new ResponsesOverChatStream(r.publicModel(), prepared, r.answerId(), r.createdAt()));
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
