package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.proxy.ChatRequest;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What every pair needs to know about the client's request, whatever the channel.
 *
 * @param req the body as scanned once (model, stream, tools, rewrites)
 * @param publicModel the model the client asked for (answers are renamed to it)
 * @param defaultMaxTokens the {@code max_tokens} an Anthropic upstream gets when the client gave none
 * @param anthropicHeaders the client's validated {@code anthropic-version}/{@code anthropic-beta}
 * @param answerId the id of an answer the edge writes itself (a translated response or message)
 * @param createdAt the creation time (epoch seconds) of such an answer
 * @param inputTokens the request's input tokens as counted locally (for {@code message_start}), 0 if not (yet) known
 */
public record ClientRequest(
        ChatRequest req,
        String publicModel,
        int defaultMaxTokens,
        Map<String, String> anthropicHeaders,
        String answerId,
        long createdAt,
        LongSupplier inputTokens) {}
