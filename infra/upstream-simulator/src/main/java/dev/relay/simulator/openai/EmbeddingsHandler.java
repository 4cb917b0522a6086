package dev.relay.simulator.openai;

import dev.relay.simulator.SimulatorProperties;
import dev.relay.simulator.content.Embeddings;
import dev.relay.simulator.content.JsonText;
import dev.relay.simulator.content.Nodes;
import dev.relay.simulator.content.Tokens;
import dev.relay.simulator.scenario.ApiError;
import dev.relay.simulator.scenario.ApiFlavor;
import dev.relay.simulator.scenario.Replies;
import dev.relay.simulator.scenario.Scenario;
import dev.relay.simulator.scenario.SimExchange;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/embeddings}: one deterministic unit vector per input (a string, an array of strings, or token
 * arrays), {@code float} or {@code base64} encoded.
 */
@Component
public class EmbeddingsHandler {

    private static final int MAX_DIMENSION = 8192;

    private final int defaultDimension;

    public EmbeddingsHandler(SimulatorProperties properties) {
        this.defaultDimension = properties.embeddingDimension();
    }

    public Mono<ServerResponse> handle(ServerRequest request) {
        Scenario scenario = SimExchange.scenario(request);
        JsonNode root = SimExchange.json(request);
        if (root == null) {
            return ApiError.invalidRequest(ApiFlavor.OPENAI, ChatCompletionsHandler.INVALID_JSON)
                    .toResponse();
        }
        String model = Nodes.text(root.get("model"));
        if (model == null) {
            return ApiError.invalidRequest(ApiFlavor.OPENAI, "you must provide a model parameter")
                    .toResponse();
        }
        if (scenario.refusesModel(model)) {
            return ApiError.modelNotFound(ApiFlavor.OPENAI, model).toResponse();
        }
        List<String> inputs = new ArrayList<>();
        int promptTokens = 0;
        JsonNode input = root.get("input");
        if (input != null && input.isString()) {
            inputs.add(input.stringValue());
            promptTokens += Tokens.words(input.stringValue());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            if (input.get(0).isNumber()) {
                inputs.add(input.toString());
                promptTokens += input.size();
            } else {
                for (JsonNode item : input.values()) {
                    inputs.add(item.isString() ? item.stringValue() : item.toString());
                    promptTokens += item.isArray() ? item.size() : Tokens.words(Nodes.text(item));
                }
            }
        } else {
            return ApiError.invalidRequest(ApiFlavor.OPENAI, "'input' is a required property and must not be empty")
                    .toResponse();
        }
        int dimension = Nodes.integer(root.get("dimensions"), defaultDimension);
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            return ApiError.invalidRequest(ApiFlavor.OPENAI, "Invalid value for 'dimensions': " + dimension + ".")
                    .toResponse();
        }
        boolean base64 = "base64".equals(Nodes.text(root.get("encoding_format")));

        StringBuilder out = new StringBuilder(64 + inputs.size() * (dimension * 12 + 48));
        out.append("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < inputs.size(); i++) {
            float[] vector = Embeddings.vector(inputs.get(i), dimension);
            out.append(i == 0 ? "" : ",")
                    .append("{\"object\":\"embedding\",\"index\":")
                    .append(i);
            out.append(",\"embedding\":");
            if (base64) {
                out.append('"').append(Embeddings.base64(vector)).append('"');
            } else {
                Embeddings.appendJson(out, vector);
            }
            out.append('}');
        }
        out.append("],\"model\":");
        JsonText.quote(out, model).append(",\"usage\":{\"prompt_tokens\":").append(promptTokens);
        out.append(",\"total_tokens\":").append(promptTokens).append("}}");
        return Replies.json(request, JsonText.utf8(out));
    }
}
