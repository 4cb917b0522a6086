package dev.relay.gateway.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The edge's Micrometer meters, cached per tag combination so the hot path does one map lookup per meter:
 * {@code relay_gateway_requests_total}, {@code relay_gateway_request_duration_seconds},
 * {@code relay_gateway_time_to_first_token_seconds}, {@code relay_gateway_tokens_total},
 * {@code relay_gateway_upstream_errors_total}, {@code relay_gateway_retries_total}.
 */
public final class RelayMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void request(String model, String channel, int status, String outcome, long latencyNanos, Long ttftNanos) {
        String ch = channel == null ? "none" : channel;
        String key = model + '\u0000' + ch + '\u0000' + status + '\u0000' + outcome;
        counters.computeIfAbsent(
                        "req" + key,
                        k -> Counter.builder("relay_gateway_requests")
                                .description("client requests through the edge")
                                .tags(
                                        "model",
                                        model,
                                        "channel",
                                        ch,
                                        "status",
                                        Integer.toString(status),
                                        "outcome",
                                        outcome)
                                .register(registry))
                .increment();
        timers.computeIfAbsent(
                        "lat" + model + '\u0000' + outcome,
                        k -> Timer.builder("relay_gateway_request_duration")
                                .description("client request latency, to the last byte")
                                .tags("model", model, "outcome", outcome)
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofMinutes(5))
                                .register(registry))
                .record(latencyNanos, TimeUnit.NANOSECONDS);
        if (ttftNanos != null) {
            timers.computeIfAbsent(
                            "ttft" + model,
                            k -> Timer.builder("relay_gateway_time_to_first_token")
                                    .description("time to the first streamed byte")
                                    .tags("model", model)
                                    .publishPercentileHistogram()
                                    .minimumExpectedValue(Duration.ofMillis(1))
                                    .maximumExpectedValue(Duration.ofMinutes(2))
                                    .register(registry))
                    .record(ttftNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A request the edge refused itself before any upstream call; {@code code} is one of the edge's error codes. */
    public void rejected(String api, int status, String code) {
        counter(
                        "rej" + api + '\u0000' + status + '\u0000' + code,
                        "relay_gateway_rejected_requests",
                        "api",
                        api,
                        "status",
                        Integer.toString(status),
                        "code",
                        code == null ? "none" : code)
                .increment();
    }

    public void tokens(String model, long prompt, long completion) {
        if (prompt > 0) {
            counter("tok" + model + "p", "relay_gateway_tokens", "model", model, "kind", "prompt")
                    .increment(prompt);
        }
        if (completion > 0) {
            counter("tok" + model + "c", "relay_gateway_tokens", "model", model, "kind", "completion")
                    .increment(completion);
        }
    }

    public void upstreamError(String channel, String cause) {
        counter("err" + channel + '\u0000' + cause, "relay_gateway_upstream_errors", "channel", channel, "cause", cause)
                .increment();
    }

    public void retry(String channel) {
        counter("retry" + channel, "relay_gateway_retries", "channel", channel).increment();
    }

    private Counter counter(String key, String name, String... tags) {
        return counters.computeIfAbsent(
                key, k -> Counter.builder(name).tags(tags).register(registry));
    }
}
