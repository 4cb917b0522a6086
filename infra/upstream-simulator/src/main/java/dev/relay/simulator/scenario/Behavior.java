package dev.relay.simulator.scenario;

import java.util.Locale;

/** A scripted behaviour, chosen by the {@code x-sim-behavior} header or an {@code sk-sim-<behaviour>} API key. */
public enum Behavior {
    /** Answer normally. */
    NONE("none"),
    /** Wait before the response headers ({@code x-sim-latency-ms}, default {@code simulator.behavior-latency-ms}). */
    LATENCY("latency"),
    /** 429 with {@code retry-after} ({@code x-sim-retry-after}, default 1 s) and a rate-limit body. */
    RATE_LIMIT("429"),
    /** 429 with the provider's "quota exceeded / billing" body, no {@code retry-after}. */
    QUOTA("quota"),
    /** Any other 4xx/5xx status (e.g. {@code 401}, {@code 403}, {@code 500}, {@code 503}, {@code 529}). */
    STATUS("status"),
    /** Accept the request and never answer, until the client goes away. */
    HANG("hang"),
    /** Send N events ({@code x-sim-drop-after}, default 2), then close the connection without a terminal event. */
    DROP_AFTER("drop-after"),
    /** Send N events, then keep the stream open without sending anything more. */
    STALL("stall"),
    /** Send N events, then an in-band error event, then end the stream. */
    STREAM_ERROR("stream-error"),
    /** {@code /v1/models} works; generation endpoints answer 404 "model not found". */
    MODELS_ONLY("models-only"),
    /** The first N requests ({@code x-sim-fail-first}) of a scenario fail with {@code x-sim-fail-status}. */
    FAIL_FIRST("fail-first");

    private final String wireName;

    Behavior(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * A parsed behaviour.
     *
     * @param behavior the behaviour
     * @param status the HTTP status of {@link #RATE_LIMIT} and {@link #STATUS}, else 0
     * @param parameter the trailing number of {@code <name>-<number>} (e.g. {@code drop-after-3},
     *     {@code latency-250}, {@code fail-first-2}, {@code 429-5}), or -1
     */
    public record Spec(Behavior behavior, int status, long parameter) {
        public static final Spec NORMAL = new Spec(NONE, 0, -1);
    }

    /** Parses {@code 429}, {@code quota}, {@code drop-after-3}, ...; unknown text means {@link #NONE}. */
    public static Spec parse(String text) {
        if (text == null) {
            return Spec.NORMAL;
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        Spec direct = named(value, -1);
        if (direct != null) {
            return direct;
        }
        int dash = value.lastIndexOf('-');
        if (dash > 0 && dash < value.length() - 1 && value.length() - dash <= 10 && digits(value, dash + 1)) {
            Spec withParameter = named(value.substring(0, dash), Long.parseLong(value.substring(dash + 1)));
            if (withParameter != null) {
                return withParameter;
            }
        }
        return Spec.NORMAL;
    }

    private static Spec named(String name, long parameter) {
        if (name.length() == 3 && digits(name, 0)) {
            int status = Integer.parseInt(name);
            if (status == 429) {
                return new Spec(RATE_LIMIT, 429, parameter);
            }
            return status >= 400 && status <= 599 ? new Spec(STATUS, status, parameter) : null;
        }
        if (name.isEmpty() || name.equals("ok")) {
            return Spec.NORMAL;
        }
        if (name.equals("rate-limit")) {
            return new Spec(RATE_LIMIT, 429, parameter);
        }
        for (Behavior behavior : values()) {
            if (behavior != STATUS && behavior != RATE_LIMIT && behavior.wireName.equals(name)) {
                return new Spec(behavior, 0, parameter);
            }
        }
        return null;
    }

    private static boolean digits(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return from < text.length();
    }
}
