package dev.relay.simulator.scenario;

import java.util.List;

/**
 * What one request asked the simulator to do: the behaviour and its parameters, resolved from headers, the API key and
 * the global settings.
 *
 * @param behavior the scripted behaviour
 * @param status HTTP status of {@link Behavior#RATE_LIMIT}/{@link Behavior#STATUS}
 * @param apiKey the presented key ({@code Authorization: Bearer} or {@code x-api-key}), or null
 * @param scenarioId {@code x-sim-scenario-id}, or null
 * @param latencyMs wait before the response headers
 * @param chunkDelayMs wait before each streamed event
 * @param retryAfterSeconds {@code retry-after} of 429 answers
 * @param eventsBeforeFault events sent before a drop, stall or in-band error
 * @param failFirst how many requests of the scenario fail first (0: none)
 * @param failStatus the status those requests fail with
 * @param chunks content chunks of a streamed reply (and tool-argument fragments)
 * @param forceToolCall {@code x-sim-tool-call: true}
 * @param parallelTools tool calls per reply
 * @param cacheReadTokens {@code x-sim-cache-read}, or -1
 * @param cacheWriteTokens {@code x-sim-cache-write}, or -1
 * @param models the list {@code /v1/models} serves: {@code x-sim-models}, else the key's {@code models=}, or null for
 *     the configured list
 * @param noTools the model has no native tools ({@code x-sim-no-tools: true} or the key {@code sk-sim-no-tools})
 * @param reasoning the reply is preceded by reasoning / a thinking block ({@code x-sim-reasoning: true})
 * @param noVision the model rejects image input ({@code x-sim-vision: false})
 * @param limits the reply honours the request's {@code max_tokens} and stop sequences ({@code x-sim-limits: true})
 * @param toolScript a scripted tool round trip ({@code x-sim-tool-script}), or null
 * @param dialect the OpenAI-compatible dialect the chat endpoint accepts ({@code x-sim-dialect}: {@code openai}, the
 *     default, or a vendor's: {@code enable_thinking}, {@code thinking_type}, {@code reasoning_object}, {@code
 *     chat_template_kwargs}); parameters outside it are refused as OpenAI refuses unknown ones
 * @param systemFirst the chat endpoint accepts a system message only first ({@code x-sim-system-first: true}), like
 *     Qwen chat templates on vLLM
 * @param allowedModels the only models the generation endpoints accept (others: 404 {@code model_not_found}), or null
 *     for any: the served list when the key has {@code models=} or {@code x-sim-models-strict: true} is sent
 * @param protocol the only protocol served ({@code x-sim-protocol}, the key's {@code openai-only} /
 *     {@code anthropic-only}); the other protocol's paths answer 404. Null: both
 * @param okFirst how many requests of the scenario succeed before {@code failure} ({@link Behavior#OK_THEN}), else 0
 * @param failure what {@link Behavior#OK_THEN} answers after {@code okFirst} successes, else null
 */
public record Scenario(
        Behavior behavior,
        int status,
        String apiKey,
        String scenarioId,
        long latencyMs,
        long chunkDelayMs,
        int retryAfterSeconds,
        int eventsBeforeFault,
        int failFirst,
        int failStatus,
        int chunks,
        boolean forceToolCall,
        int parallelTools,
        int cacheReadTokens,
        int cacheWriteTokens,
        List<String> models,
        boolean noTools,
        boolean reasoning,
        boolean noVision,
        boolean limits,
        dev.relay.simulator.content.ToolScript toolScript,
        String dialect,
        boolean systemFirst,
        List<String> allowedModels,
        ApiFlavor protocol,
        int okFirst,
        Behavior.Spec failure) {

    public boolean is(Behavior candidate) {
        return behavior == candidate;
    }

    /** A generation request for {@code model} gets 404 "model not found" ({@code models-only}, or a model list). */
    public boolean refusesModel(String model) {
        return behavior == Behavior.MODELS_ONLY || (allowedModels != null && !allowedModels.contains(model));
    }

    /** Whether requests in {@code flavor}'s protocol are served at all ({@code openai-only} / {@code anthropic-only}). */
    public boolean serves(ApiFlavor flavor) {
        return protocol == null || protocol == flavor;
    }
}
