package dev.relay.gateway.edge;

import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.routing.RoutingSnapshot;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/models[/{id}]}: the public models the key's group may use (of the pinned channel only, for a
 * pinned confirmation), in the calling API's shape (Anthropic's when the request carries {@code anthropic-version}).
 */
final class ModelList {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ModelList() {}

    /** What to answer: a body, or a refusal. */
    record Answer(byte[] body, Refusal refusal) {}

    static Answer answer(ClientApi api, RoutingSnapshot snapshot, ClientKeyEntry key, String id, String pinned) {
        List<String> models;
        if (pinned == null) {
            models = snapshot.modelsFor(key.groupId());
        } else {
            ChannelRoute pin = snapshot.channel(pinned).orElse(null);
            if (pin == null) {
                return new Answer(null, Refusal.pinnedChannelNotFound(pinned));
            }
            if (!pin.servesGroup(key.groupId())) {
                return new Answer(null, Refusal.pinnedChannelNotAllowed(pinned));
            }
            models = snapshot.modelsFor(key.groupId(), pin);
        }
        if (id != null) {
            if (!models.contains(id)) {
                return new Answer(null, Refusal.modelNotFound("the model '" + id + "' does not exist"));
            }
            return new Answer(
                    JSON.writeValueAsBytes(api == ClientApi.ANTHROPIC ? anthropicModel(id) : openAiModel(id)), null);
        }
        ObjectNode root = JSON.createObjectNode();
        if (api == ClientApi.ANTHROPIC) {
            ArrayNode data = root.putArray("data");
            models.forEach(m -> data.add(anthropicModel(m)));
            root.put("has_more", false);
            root.put("first_id", models.isEmpty() ? null : models.getFirst());
            root.put("last_id", models.isEmpty() ? null : models.getLast());
        } else {
            root.put("object", "list");
            ArrayNode data = root.putArray("data");
            models.forEach(m -> data.add(openAiModel(m)));
        }
        return new Answer(JSON.writeValueAsBytes(root), null);
    }

    private static ObjectNode openAiModel(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("object", "model");
        n.put("created", 0);
        n.put("owned_by", "relay");
        return n;
    }

    private static ObjectNode anthropicModel(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "model");
        n.put("id", id);
        n.put("display_name", id);
        n.put("created_at", "1970-01-01T00:00:00Z");
        n.put("lifecycle", "active"); // required by the official SDKs' ModelInfo (anthropic-java 3.x)
        return n;
    }
}
