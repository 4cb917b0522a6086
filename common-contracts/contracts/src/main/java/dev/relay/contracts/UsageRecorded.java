package dev.relay.contracts;

import java.time.Instant;
import java.util.List;

/**
 * One client request through the edge, metered. Sent straight to Kafka by the gateway (idempotent producer, id =
 * request id), not through an outbox.
 */
public record UsageRecorded(
        String requestId,
        String edgeId,
        Purpose purpose,
        String clientKeyId,
        String groupId,
        String clientApi,
        String publicModel,
        String upstreamModel,
        String channelId,
        List<String> channelsTried,
        boolean stream,
        TokenUsage usage,
        int status,
        Outcome outcome,
        long latencyMillis,
        Long timeToFirstTokenMillis,
        int attempts,
        Instant occurredAt)
        implements RelayEvent {
    public UsageRecorded {
        channelsTried = List.copyOf(channelsTried);
    }

    /**
     * Why the request was made: by a client, or by the control plane to confirm ({@code confirmation}) or re-verify
     * ({@code verification}) access, which accounting meters as such and never debits.
     */
    public enum Purpose {
        CLIENT,
        CONFIRMATION,
        VERIFICATION
    }

    public enum Outcome {
        OK,
        INCOMPLETE,
        CLIENT_ABORTED,
        FAILED
    }

    /** Token counts; {@code estimated} is true only when no upstream usage was available and a tokenizer counted. */
    public record TokenUsage(
            long promptTokens, long completionTokens, long cacheReadTokens, long cacheWriteTokens, boolean estimated) {
        public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, false);

        public long totalTokens() {
            return promptTokens + completionTokens;
        }
    }

    @Override
    public EventType eventType() {
        return EventType.USAGE_RECORDED;
    }

    @Override
    public String aggregateId() {
        return requestId;
    }
}
