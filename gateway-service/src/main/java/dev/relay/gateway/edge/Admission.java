package dev.relay.gateway.edge;

import dev.relay.contracts.Protocol;
import dev.relay.gateway.proxy.ChatRequest;
import dev.relay.gateway.routing.ChannelCapabilities;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.routing.GroupEntry;
import dev.relay.gateway.routing.RoutingSnapshot;
import dev.relay.gateway.translate.ImageFallback;
import dev.relay.gateway.wire.BadRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * The checks a model-routed request passes before any upstream is called, in the order their answers are given:
 * 400 (body), 404 (model, or the pinned channel), 403 (model for key, or the pinned channel for its group), 503 (the
 * pinned channel is off), 400 (no channel of the model can serve this request's features). Pure: a snapshot and a
 * body in, the channels able to serve it — or the refusal — out.
 */
final class Admission {

    private Admission() {}

    sealed interface Result permits Admitted, Refused {}

    /**
     * A request the edge will relay.
     *
     * @param able the channels that can serve it, in the snapshot's order (the planner orders them)
     * @param pinned whether a confirmation pinned it to one channel
     */
    record Admitted(ChatRequest req, boolean stream, List<ChannelRoute> able, boolean pinned) implements Result {}

    record Refused(Refusal refusal) implements Result {}

    static Result admit(
            RoutingSnapshot snapshot, ClientKeyEntry key, Endpoint endpoint, byte[] body, String pinned, String path) {
        ChatRequest req;
        try {
            req = ChatRequest.inspect(body, true);
        } catch (BadRequestException ex) {
            return refused(Refusal.invalid(ex.getMessage(), ex.param()));
        }
        String model = req.model();
        boolean stream = req.stream() && endpoint != Endpoint.COUNT_TOKENS;
        if (endpoint == Endpoint.EMBEDDINGS && stream) {
            return refused(Refusal.invalid("embeddings cannot be streamed", "stream"));
        }
        String maxTokensProblem = endpoint == Endpoint.MESSAGES ? req.maxTokensProblem() : null;
        if (maxTokensProblem != null) {
            // required by the Messages API whatever protocol the channel speaks (a passthrough would not check it)
            return refused(Refusal.invalid(maxTokensProblem, "max_tokens"));
        }
        ChannelRoute pin = null;
        if (pinned != null) {
            pin = snapshot.channel(pinned).orElse(null);
            if (pin == null) {
                return refused(Refusal.pinnedChannelNotFound(pinned));
            }
            if (!pin.enabled()) {
                // a confirmation proves what clients can use: a channel clients cannot reach is not confirmed
                return refused(new Refusal(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "the pinned channel '" + pinned + "' is " + pin.status() + ": clients cannot reach it",
                        "server_error",
                        null,
                        "no_available_channel"));
            }
            if (!pin.models().contains(model)) {
                return refused(Refusal.modelNotFound(
                        "the pinned channel '" + pinned + "' does not serve the model '" + model + "'"));
            }
        } else if (!snapshot.knowsModel(model)) {
            return refused(Refusal.modelNotFound("the model '" + model + "' does not exist"));
        }
        Optional<GroupEntry> group = snapshot.group(key.groupId());
        if (group.isEmpty() || !group.get().allows(model)) {
            return refused(new Refusal(
                    HttpStatus.FORBIDDEN,
                    "this API key may not use the model '" + model + "'",
                    "invalid_request_error",
                    "model",
                    "model_not_allowed"));
        }
        if (pin != null && !pin.servesGroup(key.groupId())) {
            return refused(Refusal.pinnedChannelNotAllowed(pinned));
        }
        List<ChannelRoute> candidates = pin != null ? List.of(pin) : snapshot.candidates(model, key.groupId());
        List<ChannelRoute> able = new ArrayList<>(candidates.size());
        String missing = null;
        Boolean images = null;
        for (ChannelRoute ch : candidates) {
            ChannelCapabilities caps = ch.capabilities();
            if (!endpoint.servedBy(ch)) {
                missing = missing == null ? "" : missing;
                continue;
            }
            if (endpoint == Endpoint.COUNT_TOKENS) {
                able.add(ch); // counting needs none of the channel's features
                continue;
            }
            if (stream && !caps.streaming()) {
                missing = " with streaming";
                continue;
            }
            // emulation is done for OpenAI-protocol channels only (as /capabilities reports): an Anthropic channel
            // without native tools would be sent the tools as they are
            if (req.hasTools() && !(caps.tools() || caps.emulatesTools() && ch.protocol() == Protocol.OPENAI)) {
                missing = " with tools";
                continue;
            }
            if (!caps.vision() && !caps.imageFallback()) {
                if (images == null) {
                    images = ImageFallback.hasImages(body);
                }
                if (images) {
                    missing = " with image input";
                    continue;
                }
            }
            able.add(ch);
        }
        if (able.isEmpty() && !candidates.isEmpty()) {
            return refused(new Refusal(
                    HttpStatus.BAD_REQUEST,
                    "no channel of the model '" + model + "' supports " + path + (missing == null ? "" : missing),
                    "invalid_request_error",
                    null,
                    "unsupported_endpoint"));
        }
        return new Admitted(req, stream, able, pin != null);
    }

    private static Refused refused(Refusal r) {
        return new Refused(r);
    }
}
