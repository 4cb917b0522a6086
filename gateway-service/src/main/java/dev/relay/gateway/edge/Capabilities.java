package dev.relay.gateway.edge;

import dev.relay.contracts.Protocol;
import dev.relay.gateway.routing.ChannelCapabilities;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.routing.RoutingSnapshot;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /capabilities} and {@code /v1/capabilities}: per public model the calling key may use, what it can get
 * through the edge — client protocols, streaming, tools (native or emulated), vision (native or placeholder),
 * embeddings, responses (native or translated) — aggregated over the enabled channels serving the model for the key's group. Pure.
 */
final class Capabilities {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Capabilities() {}

    static byte[] of(RoutingSnapshot snapshot, ClientKeyEntry key) {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String model : snapshot.modelsFor(key.groupId())) {
            data.add(model(model, snapshot.candidates(model, key.groupId())));
        }
        return JSON.writeValueAsBytes(root);
    }

    static ObjectNode model(String model, List<ChannelRoute> channels) {
        boolean chat = false;
        boolean streaming = false;
        boolean nativeTools = false;
        boolean emulatedTools = false;
        boolean nativeVision = false;
        boolean placeholderVision = false;
        boolean embeddings = false;
        boolean responses = false;
        boolean anthropicUpstream = false;
        boolean openAiUpstream = false;
        for (ChannelRoute ch : channels) {
            ChannelCapabilities c = ch.capabilities();
            boolean openAi = ch.protocol() == Protocol.OPENAI;
            openAiUpstream |= openAi;
            anthropicUpstream |= !openAi;
            if (c.chat()) {
                chat = true;
                streaming |= c.streaming();
                nativeTools |= c.tools();
                emulatedTools |= c.emulatesTools() && openAi;
                nativeVision |= c.vision();
                placeholderVision |= c.degradesImages();
            }
            embeddings |= openAi && c.embeddings();
            // the Responses API is served natively where the channel has it, translated over any chat channel
            responses |= c.chat() || openAi && c.responses();
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("id", model);
        n.put("object", "model.capabilities");
        ArrayNode protocols = n.putArray("protocols");
        if (chat) {
            protocols.add("openai.chat_completions");
            protocols.add("anthropic.messages");
            protocols.add("anthropic.count_tokens");
        }
        if (embeddings) {
            protocols.add("openai.embeddings");
        }
        if (responses) {
            protocols.add("openai.responses");
        }
        n.put("chat", chat);
        n.put("streaming", streaming);
        n.put("tools", nativeTools ? "native" : emulatedTools ? "emulated" : "none");
        n.put("vision", nativeVision ? "native" : placeholderVision ? "placeholder" : "none");
        n.put("embeddings", embeddings);
        n.put("responses", responses);
        ArrayNode upstream = n.putArray("upstream_protocols");
        if (openAiUpstream) {
            upstream.add("openai");
        }
        if (anthropicUpstream) {
            upstream.add("anthropic");
        }
        n.put("channels", channels.size());
        return n;
    }
}
