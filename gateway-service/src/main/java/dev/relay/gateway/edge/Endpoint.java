package dev.relay.gateway.edge;

import dev.relay.gateway.routing.ChannelCapabilities;
import dev.relay.gateway.routing.ChannelRoute;

/** A model-routed endpoint of the client APIs. */
public enum Endpoint {
    CHAT(ClientApi.OPENAI, "openai.chat"),
    EMBEDDINGS(ClientApi.OPENAI, "openai.embeddings"),
    RESPONSES(ClientApi.OPENAI, "openai.responses"),
    MESSAGES(ClientApi.ANTHROPIC, "anthropic.messages"),
    COUNT_TOKENS(ClientApi.ANTHROPIC, "anthropic.count_tokens");

    final ClientApi api;
    /** The {@code clientApi} of usage events. */
    final String apiName;

    Endpoint(ClientApi api, String apiName) {
        this.api = api;
        this.apiName = apiName;
    }

    static Endpoint of(String path) {
        return switch (path) {
            case "/v1/chat/completions" -> CHAT;
            case "/v1/embeddings" -> EMBEDDINGS;
            case "/v1/responses" -> RESPONSES;
            case "/v1/messages" -> MESSAGES;
            case "/v1/messages/count_tokens" -> COUNT_TOKENS;
            default -> null;
        };
    }

    /**
     * Whether the channel can serve this endpoint: a translator exists for the pair ({@link Translators}) and the
     * channel has the capability. {@code count_tokens} is answered by any chat channel's model (an OpenAI channel's
     * by the local tokenizer).
     */
    boolean servedBy(ChannelRoute ch) {
        ChannelCapabilities c = ch.capabilities();
        return switch (this) {
            case CHAT, MESSAGES, COUNT_TOKENS -> c.chat();
            case EMBEDDINGS -> Translators.supports(this, ch) && c.embeddings();
            case RESPONSES -> c.chat() || Translators.nativeResponses(ch);
        };
    }
}
