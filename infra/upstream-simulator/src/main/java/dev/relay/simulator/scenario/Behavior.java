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
    FAIL_FIRST("fail-first"),
    /**
     * The warm-up race of a new key: {@code /v1/models} works, every other endpoint answers the status (default 403, a
     * permission error).
     */
    WARMUP("warmup"),
    /** The status (default 401) with {@code {"error":"<text>"}}: {@code error} a plain string, not an object. */
    ERROR_STRING("error-string"),
    /** The status (default 403) with a CDN's HTML error page ({@code content-type: text/html}). */
    HTML("html"),
    /** Every endpoint but {@code /v1/models}: the status (default 200) with an empty body. */
    EMPTY("empty"),
    /** Every endpoint but {@code /v1/models}: the status (default 200) with a plain-text, non-JSON body. */
    TEXT("text"),
    /**
     * {@code ok-then-<failure>-after-<N>}: the first N requests of a scenario (or key) succeed, later ones answer as
     * the failure behaviour ({@link #answersUpFront() one answered before the handler}) would.
     */
    OK_THEN("ok-then");

    private static final String OK_THEN_PREFIX = "ok-then-";
    private static final String AFTER = "-after-";

    private final String wireName;

    Behavior(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * Whether the behaviour is answered by the scenario filter before any handler runs (a status, a body, a hang), so
     * that it can be the failure of {@link #OK_THEN}.
     */
    public boolean answersUpFront() {
        return switch (this) {
            case RATE_LIMIT, QUOTA, STATUS, HANG, WARMUP, ERROR_STRING, HTML, EMPTY, TEXT -> true;
            default -> false;
        };
    }

    /**
     * A parsed behaviour.
     *
     * @param behavior the behaviour
     * @param status the HTTP status of {@link #RATE_LIMIT}, {@link #STATUS}, {@link #WARMUP}, {@link #ERROR_STRING},
     *     {@link #HTML}, {@link #EMPTY} and {@link #TEXT} (their trailing number, else their default), else 0
     * @param parameter the trailing number of {@code <name>-<number>} (e.g. {@code drop-after-3},
     *     {@code latency-250}, {@code fail-first-2}, {@code 429-5}), the N of {@link #OK_THEN}, or -1
     * @param then the failure of {@link #OK_THEN} (a behaviour that {@link Behavior#answersUpFront() answers up
     *     front}), else null
     */
    public record Spec(Behavior behavior, int status, long parameter, Spec then) {
        public static final Spec NORMAL = new Spec(NONE, 0, -1);

        public Spec(Behavior behavior, int status, long parameter) {
            this(behavior, status, parameter, null);
        }
    }

    /** Parses {@code 429}, {@code quota}, {@code drop-after-3}, ...; unknown text means {@link #NONE}. */
    public static Spec parse(String text) {
        Spec spec = find(text);
        return spec == null ? Spec.NORMAL : spec;
    }

    /**
     * Parses a behaviour name, case-insensitively: {@code 429}, {@code quota}, {@code drop-after-3},
     * {@code html-502}, {@code ok-then-429-after-2}, ...
     *
     * @return the behaviour, or null when the text names none (so that a scripted key can tell its other segments)
     */
    public static Spec find(String text) {
        if (text == null) {
            return null;
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith(OK_THEN_PREFIX)) {
            return okThen(value.substring(OK_THEN_PREFIX.length()));
        }
        Spec direct = named(value, -1);
        if (direct != null) {
            return direct;
        }
        int dash = value.lastIndexOf('-');
        if (dash > 0 && dash < value.length() - 1 && value.length() - dash <= 10 && digits(value, dash + 1)) {
            return named(value.substring(0, dash), Long.parseLong(value.substring(dash + 1)));
        }
        return null;
    }

    /** {@code <failure>[-after-<N>]} (N defaults to 1). */
    private static Spec okThen(String rest) {
        String failure = rest;
        long okFirst = 1;
        int after = rest.lastIndexOf(AFTER);
        int digitsFrom = after + AFTER.length();
        if (after > 0 && rest.length() - digitsFrom <= 9 && digits(rest, digitsFrom)) {
            okFirst = Long.parseLong(rest.substring(digitsFrom));
            failure = rest.substring(0, after);
        }
        Spec then = find(failure);
        if (then == null || !then.behavior().answersUpFront()) {
            return null;
        }
        return new Spec(OK_THEN, 0, okFirst, then);
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
            if (behavior.wireName.equals(name)) {
                return switch (behavior) {
                    case STATUS, RATE_LIMIT, OK_THEN -> null;
                    case WARMUP -> withStatus(behavior, parameter, 403, 400);
                    case ERROR_STRING -> withStatus(behavior, parameter, 401, 400);
                    case HTML -> withStatus(behavior, parameter, 403, 200);
                    case EMPTY, TEXT -> withStatus(behavior, parameter, 200, 200);
                    default -> new Spec(behavior, 0, parameter);
                };
            }
        }
        return null;
    }

    /** A behaviour whose trailing number is its status ({@code lowest}..599), else {@code fallback}. */
    private static Spec withStatus(Behavior behavior, long number, int fallback, int lowest) {
        if (number < 0) {
            return new Spec(behavior, fallback, -1);
        }
        return number >= lowest && number <= 599 ? new Spec(behavior, (int) number, -1) : null;
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
