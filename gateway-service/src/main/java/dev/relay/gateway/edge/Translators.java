package dev.relay.gateway.edge;

import dev.relay.contracts.Protocol;
import dev.relay.gateway.edge.pairs.Pair;
import dev.relay.gateway.routing.ChannelRoute;

/**
 * The one place that chooses the translation of a request for a channel: the (client endpoint × upstream protocol)
 * matrix, written once. An unsupported pair is a programming error (admission lets only supported pairs through) and
 * fails loudly instead of falling into a default.
 */
final class Translators {

    private Translators() {}

    static Pair pair(Endpoint endpoint, ChannelRoute ch) {
        Pair p = pairOrNull(endpoint, ch);
        if (p == null) {
            throw new IllegalStateException(
                    "no translation of " + endpoint.apiName + " for a " + ch.protocol() + " channel (" + ch.id() + ")");
        }
        return p;
    }

    static boolean supports(Endpoint endpoint, ChannelRoute ch) {
        return pairOrNull(endpoint, ch) != null;
    }

    /** Whether the channel serves the Responses API itself (then requests pass through). */
    static boolean nativeResponses(ChannelRoute ch) {
        return ch.protocol() == Protocol.OPENAI && ch.capabilities().responses();
    }

    private static Pair pairOrNull(Endpoint endpoint, ChannelRoute ch) {
        boolean openAi = ch.protocol() == Protocol.OPENAI;
        return switch (endpoint) {
            case CHAT -> openAi ? Pair.CHAT_TO_OPENAI : Pair.CHAT_TO_ANTHROPIC;
            case MESSAGES -> openAi ? Pair.MESSAGES_TO_OPENAI : Pair.MESSAGES_TO_ANTHROPIC;
            case COUNT_TOKENS -> openAi ? null : Pair.COUNT_TOKENS_TO_ANTHROPIC;
            case EMBEDDINGS -> openAi ? Pair.EMBEDDINGS_TO_OPENAI : null;
            case RESPONSES ->
                nativeResponses(ch)
                        ? Pair.RESPONSES_TO_OPENAI_RESPONSES
                        : openAi ? Pair.RESPONSES_TO_OPENAI_CHAT : Pair.RESPONSES_TO_ANTHROPIC;
        };
    }
}
