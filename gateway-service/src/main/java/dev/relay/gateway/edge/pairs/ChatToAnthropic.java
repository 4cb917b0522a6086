package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.RelayEngine.UpstreamRequest;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.DroppedFields;
import dev.relay.gateway.translate.OpenAiOverAnthropic;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.Translated;

/** OpenAI Chat Completions to an Anthropic Messages channel ({@link OpenAiOverAnthropic}). */
final class ChatToAnthropic implements Translator {
    private final ClientRequest r;
    private final DroppedFields dropped = new DroppedFields();
    private final byte[] body;

    ChatToAnthropic(ClientRequest r, ChannelRoute ch) {
        this.r = r;
        this.body = Adapt.anthropic(
                ch,
                OpenAiOverAnthropic.request(
                        r.req().body(), ch.upstreamModel(r.publicModel()), r.defaultMaxTokens(), dropped));
    }

    @Override
    public UpstreamRequest request() {
        return new UpstreamRequest("/messages", body);
    }

    @Override
    public Translated response(byte[] upstreamBody) {
        return OpenAiOverAnthropic.response(upstreamBody, r.publicModel(), r.createdAt());
    }

    @Override
    public StreamTranslator stream() {
        return OpenAiOverAnthropic.stream(
                r.publicModel(), r.createdAt(), r.req().clientIncludesUsage());
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
