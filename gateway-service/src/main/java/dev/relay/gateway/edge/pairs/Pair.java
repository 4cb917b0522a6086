package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.routing.ChannelRoute;

/**
 * One (client API × upstream protocol) pair: makes the {@link Translator} of a client request for a channel.
 *
 * @throws dev.relay.gateway.wire.BadRequestException from {@link #open} when the request cannot be expressed for the
 *     channel (answered 400, never sent)
 */
@FunctionalInterface
public interface Pair {

    Translator open(ClientRequest request, ChannelRoute channel);

    Pair CHAT_TO_OPENAI = ChatToOpenAi::new;
    Pair CHAT_TO_ANTHROPIC = ChatToAnthropic::new;
    Pair MESSAGES_TO_OPENAI = MessagesToOpenAi::new;
    Pair MESSAGES_TO_ANTHROPIC = MessagesToAnthropic::new;
    Pair COUNT_TOKENS_TO_ANTHROPIC = CountTokensToAnthropic::new;
    Pair EMBEDDINGS_TO_OPENAI = EmbeddingsToOpenAi::new;
    Pair RESPONSES_TO_OPENAI_RESPONSES = ResponsesToOpenAiResponses::new;
    Pair RESPONSES_TO_OPENAI_CHAT = ResponsesToOpenAiChat::new;
    Pair RESPONSES_TO_ANTHROPIC = ResponsesToAnthropic::new;
}
