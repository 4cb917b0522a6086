package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.DroppedFields;
import dev.relay.gateway.translate.ResponsesOverAnthropic;
import dev.relay.gateway.translate.ResponsesOverChat;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.Translated;

/** The Responses API to an Anthropic Messages channel ({@link ResponsesOverAnthropic}). */
final class ResponsesToAnthropic implements Translator {
    private final ClientRequest r;
    private final DroppedFields dropped = new DroppedFields();
    private final ResponsesOverChat.Prepared prepared;
    private final byte[] body;

    ResponsesToAnthropic(ClientRequest r, ChannelRoute ch) {
        this.r = r;
        String upstreamModel = ch.upstreamModel(r.publicModel());
        this.prepared =
                ResponsesOverChat.request(r.req().body(), upstreamModel, ResponsesOverAnthropic.CHAT_DIALECT, dropped);
        this.body = Adapt.anthropic(
                ch, ResponsesOverAnthropic.request(prepared, upstreamModel, r.defaultMaxTokens(), dropped));
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/messages", body, r.anthropicHeaders());
    }

    @Override
    public Translated response(byte[] upstreamBody) {
        return ResponsesOverAnthropic.response(upstreamBody, r.publicModel(), prepared, r.answerId(), r.createdAt());
    }

    @Override
    public StreamTranslator stream() {
        return ResponsesOverAnthropic.stream(r.publicModel(), prepared, r.answerId(), r.createdAt());
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
