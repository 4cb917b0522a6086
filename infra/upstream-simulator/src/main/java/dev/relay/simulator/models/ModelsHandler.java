package dev.relay.simulator.models;

import dev.relay.simulator.SimulatorProperties;
import dev.relay.simulator.content.JsonText;
import dev.relay.simulator.scenario.ApiError;
import dev.relay.simulator.scenario.ApiFlavor;
import dev.relay.simulator.scenario.Replies;
import dev.relay.simulator.scenario.Scenario;
import dev.relay.simulator.scenario.SimExchange;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}, in OpenAI's shape or, for callers that send
 * {@code anthropic-version} or {@code x-api-key}, Anthropic's. The configured list is rendered once at start.
 */
@Component
public class ModelsHandler {

    /** {@code created} of every model (OpenAI, epoch seconds). */
    static final long CREATED = 1_700_000_000L;
    /** {@code created_at} of every model (Anthropic). */
    static final String CREATED_AT = "2023-11-14T22:13:20Z";

    private final List<String> models;
    private final byte[] openAiList;
    private final byte[] anthropicList;

    public ModelsHandler(SimulatorProperties properties) {
        this.models = properties.models();
        this.openAiList = JsonText.utf8(openAiList(models));
        this.anthropicList = JsonText.utf8(anthropicList(models));
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        Scenario scenario = SimExchange.scenario(request);
        boolean anthropic = SimExchange.flavor(request) == ApiFlavor.ANTHROPIC;
        byte[] body;
        if (scenario.models() == null) {
            body = anthropic ? anthropicList : openAiList;
        } else {
            body = JsonText.utf8(anthropic ? anthropicList(scenario.models()) : openAiList(scenario.models()));
        }
        return Replies.json(request, body);
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        Scenario scenario = SimExchange.scenario(request);
        ApiFlavor flavor = SimExchange.flavor(request);
        String id = request.pathVariable("id");
        if (id.startsWith("/")) {
            id = id.substring(1);
        }
        List<String> known = scenario.models() == null ? models : scenario.models();
        if (!known.contains(id)) {
            return ApiError.modelNotFound(flavor, id).toResponse();
        }
        StringBuilder out = new StringBuilder(128);
        if (flavor == ApiFlavor.ANTHROPIC) {
            anthropicModel(out, id);
        } else {
            openAiModel(out, id);
        }
        return Replies.json(request, JsonText.utf8(out));
    }

    static String openAiList(List<String> ids) {
        StringBuilder out = new StringBuilder(64 + ids.size() * 96).append("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            openAiModel(out, ids.get(i));
        }
        return out.append("]}").toString();
    }

    static String anthropicList(List<String> ids) {
        StringBuilder out = new StringBuilder(96 + ids.size() * 128).append("{\"data\":[");
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            anthropicModel(out, ids.get(i));
        }
        out.append("],\"has_more\":false,\"first_id\":");
        JsonText.quote(out, ids.isEmpty() ? null : ids.get(0)).append(",\"last_id\":");
        JsonText.quote(out, ids.isEmpty() ? null : ids.get(ids.size() - 1)).append('}');
        return out.toString();
    }

    private static void openAiModel(StringBuilder out, String id) {
        out.append("{\"id\":");
        JsonText.quote(out, id)
                .append(",\"object\":\"model\",\"created\":")
                .append(CREATED)
                .append(",\"owned_by\":\"relay-simulator\"}");
    }

    private static void anthropicModel(StringBuilder out, String id) {
        out.append("{\"type\":\"model\",\"id\":");
        JsonText.quote(out, id).append(",\"display_name\":");
        JsonText.quote(out, id).append(",\"created_at\":\"").append(CREATED_AT).append("\"}");
    }
}
