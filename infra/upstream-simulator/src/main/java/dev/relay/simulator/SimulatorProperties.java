package dev.relay.simulator;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the simulator ({@code simulator.*}).
 *
 * @param models model ids served by {@code /v1/models} (a request may override them with {@code x-sim-models})
 * @param keys accepted API keys; empty means any key starting with {@code sk-} (except {@code sk-bad}). Scripted keys
 *     ({@code sk-sim-...}) are always accepted.
 * @param recorderSize how many requests the recorder keeps (oldest dropped first)
 * @param defaultChunks content chunks of a streamed reply when {@code x-sim-chunks} is absent
 * @param latencyMs latency before the response headers of every API request, unless {@code x-sim-latency-ms} says
 *     otherwise
 * @param behaviorLatencyMs latency of the {@code latency} behaviour when neither header nor {@code latencyMs} give one
 * @param chunkDelayMs delay before each streamed event, unless {@code x-sim-chunk-delay-ms} says otherwise
 * @param embeddingDimension vector length of {@code /v1/embeddings} unless the request asks for {@code dimensions}
 * @param maxBodyBytes largest accepted request body (larger: 413)
 */
@ConfigurationProperties("simulator")
public record SimulatorProperties(
        @DefaultValue({"sim-gpt-4o", "sim-gpt-4o-mini", "sim-claude-sonnet", "sim-embed"})
        List<String> models,

        @DefaultValue List<String> keys,
        @DefaultValue("1000") int recorderSize,
        @DefaultValue("5") int defaultChunks,
        @DefaultValue("0") long latencyMs,
        @DefaultValue("1000") long behaviorLatencyMs,
        @DefaultValue("0") long chunkDelayMs,
        @DefaultValue("8") int embeddingDimension,
        @DefaultValue("10485760") int maxBodyBytes) {

    public SimulatorProperties {
        models = List.copyOf(models);
        keys = List.copyOf(keys);
        if (recorderSize < 1) {
            throw new IllegalArgumentException("simulator.recorder-size must be at least 1");
        }
    }
}
