package dev.relay.contracts;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the error answers vendors really send and classifies a failed upstream call into a {@link FailureClass}, with
 * a one-line, redacted detail for the operator. Pure: bytes and records in, records out.
 *
 * <p>Bodies understood: OpenAI {@code {"error":{"message","type","code"}}}, Anthropic {@code
 * {"type":"error","error":{"type","message"}}}, {@code {"error":"..."}}, {@code {"message":...,"code":...}} and {@code
 * {"msg":...,"code":...}} (DashScope, several Chinese vendors), {@code {"detail":...}} (FastAPI, incl. its validation
 * list), MiniMax's {@code {"base_resp":{"status_code","status_msg"}}} (often on an HTTP 200), {@code
 * {"errors":[...]}}, a top-level array of those, HTML pages (a CDN's or a web console's: the {@code <title>}), plain
 * text, binary, empty.
 *
 * <p>Classification of an HTTP answer:
 *
 * <ul>
 *   <li>401 → {@code AUTH_INVALID}; 403 → {@code AUTH_INVALID}, unless the body says the account has no credit ({@code
 *       QUOTA_EXHAUSTED}) or the model is not available ({@code MODEL_NOT_FOUND}); a 403 on a completion while the
 *       model list answered and named the model is a warm-up race, see {@link #warmUp403};
 *   <li>402 → {@code QUOTA_EXHAUSTED}; 429 → {@code QUOTA_EXHAUSTED} with an insufficient-quota body ({@code
 *       insufficient_quota}, {@code 余额}, {@code credit balance} ...; or a weaker word such as {@code billing},
 *       {@code quota}, {@code balance}, {@code credit} with no sign of a rate limit), else {@code RATE_LIMITED} with
 *       the retry-after (header: seconds or HTTP-date; else "try again in 20s" in the message);
 *   <li>404 with a model-not-found signal ({@code model_not_found}, "does not exist", Anthropic {@code not_found_error}
 *       with {@code model: ...}, "Model Not Exist", {@code 模型不存在}, GLM 1211) → {@code MODEL_NOT_FOUND}; other 404,
 *       405 and other 4xx → {@code INCOMPATIBLE};
 *   <li>400 and 422: model signal → {@code MODEL_NOT_FOUND}; strong quota signal (Anthropic's "credit balance is too
 *       low" is a 400) → {@code QUOTA_EXHAUSTED}; key signal → {@code AUTH_INVALID}; else {@code INCOMPATIBLE};
 *   <li>408 → {@code TIMEOUT}; 5xx → {@code UPSTREAM_ERROR}; 3xx → {@code INCOMPATIBLE} (redirects are not followed);
 *   <li>2xx whose body is empty, not JSON, HTML, or JSON without the expected shape ({@link Expect}) → {@code
 *       INCOMPATIBLE}, unless it carries an error body (MiniMax answers errors with 200), which is classified by its
 *       signals.
 * </ul>
 *
 * <p>No answer at all: connection refused, DNS and TLS failures, resets → {@code UNREACHABLE}; connect, read and total
 * deadlines → {@code TIMEOUT}.
 */
public final class UpstreamErrors {

    /** Longest detail or preview, in characters (code points). */
    public static final int MAX_MESSAGE = 200;

    /** Bodies longer than this are not parsed as JSON (only their beginning is read as text). */
    static final int MAX_PARSED = 1024 * 1024;

    private static final int MAX_SCANNED = 16 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What a successful answer must look like. */
    public enum Expect {
        /** {@code {"data": [{"id": ...}, ...]}} (OpenAI and Anthropic model lists). */
        MODEL_LIST,
        /** {@code {"choices": [...]}}. */
        CHAT_COMPLETION,
        /** Server-sent events with at least one {@code data:} chunk carrying {@code choices}. */
        CHAT_COMPLETION_STREAM,
        /** {@code {"type": "message", "content": [...]}}. */
        ANTHROPIC_MESSAGE,
        /** Server-sent events with a {@code message_start} event. */
        ANTHROPIC_MESSAGE_STREAM,
        /** {@code {"data": [{"embedding": ...}]}}. */
        EMBEDDINGS,
        /** Any JSON object or array that is not an error body. */
        ANY_JSON,
        /** Any 2xx answer is fine. */
        ANYTHING
    }

    /** Why no HTTP answer came. */
    public enum TransportError {
        CONNECT_REFUSED(FailureClass.UNREACHABLE, "connection refused"),
        DNS(FailureClass.UNREACHABLE, "host name does not resolve"),
        TLS(FailureClass.UNREACHABLE, "TLS handshake failed"),
        CONNECTION_RESET(FailureClass.UNREACHABLE, "connection reset or closed before an answer"),
        CONNECT_TIMEOUT(FailureClass.TIMEOUT, "connect timed out"),
        READ_TIMEOUT(FailureClass.TIMEOUT, "no answer in time (first byte or read timeout)"),
        TOTAL_TIMEOUT(FailureClass.TIMEOUT, "request timed out");

        private final FailureClass failureClass;
        private final String description;

        TransportError(FailureClass failureClass, String description) {
            this.failureClass = failureClass;
            this.description = description;
        }

        public FailureClass failureClass() {
            return failureClass;
        }

        public String description() {
            return description;
        }
    }

    /**
     * One HTTP answer, as far as classification needs it.
     *
     * @param contentType the {@code Content-Type} header, or null
     * @param retryAfter the {@code Retry-After} header, or null
     * @param body the body bytes, null or empty when there was none
     * @param receivedAt when the answer arrived (an HTTP-date {@code Retry-After} is counted from it)
     */
    public record UpstreamAnswer(int status, String contentType, String retryAfter, byte[] body, Instant receivedAt) {
        public UpstreamAnswer {
            if (status < 100 || status > 999) {
                throw new IllegalArgumentException("not an HTTP status: " + status);
            }
            body = body == null ? new byte[0] : body;
        }
    }

    /** The shape an error body had. */
    public enum BodyFormat {
        EMPTY,
        /** {@code {"error": {...}}} (OpenAI and most compatible vendors). */
        OPENAI,
        /** {@code {"type": "error", "error": {...}}}. */
        ANTHROPIC,
        /** {@code {"error": "..."}}. */
        ERROR_STRING,
        /** {@code {"message": ...}} or {@code {"msg": ...}}, with an optional {@code code}. */
        MESSAGE,
        /** {@code {"detail": ...}}. */
        DETAIL,
        /** MiniMax's {@code {"base_resp": {"status_code", "status_msg"}}} with a non-zero status code. */
        BASE_RESP,
        /** JSON that carries no recognisable error. */
        JSON,
        HTML,
        TEXT,
        BINARY
    }

    /**
     * What an error body says: message (one line, at most {@value #MAX_MESSAGE} characters, secrets redacted), the
     * vendor's error type and code (redacted, short), and the body's shape. Absent parts are null.
     */
    public record ErrorBody(String message, String type, String code, BodyFormat format) {}

    /**
     * A classified failure.
     *
     * @param status the HTTP status, null when no answer came
     * @param detail one line for the operator, at most {@value #MAX_MESSAGE} characters, secrets redacted
     * @param retryAfterSeconds when the upstream said when to come back (429, 503), else null
     * @param errorCode the vendor's error code or type ({@code insufficient_quota}, {@code 1113}), or the transport
     *     error's name ({@code dns}); null when none
     */
    public record UpstreamFailure(
            FailureClass failureClass, Integer status, String detail, Integer retryAfterSeconds, String errorCode) {}

    private UpstreamErrors() {}

    // ------------------------------------------------------------------------------------------------ classify

    /**
     * Classifies an HTTP answer: empty when it is a success of the expected shape, else the failure.
     *
     * @param expect the shape a 2xx answer must have
     */
    public static Optional<UpstreamFailure> classify(UpstreamAnswer answer, Expect expect) {
        int status = answer.status();
        Raw raw = read(answer.body(), answer.contentType());
        if (status >= 200 && status < 300 && (expect == Expect.ANYTHING || satisfies(raw, expect))) {
            return Optional.empty(); // the common case: no need to scan the body for failure signals
        }
        Signals sig = signals(raw);
        if (status >= 200 && status < 300) {
            return Optional.of(successButWrong(answer, raw, sig, expect));
        }
        FailureClass fc;
        Integer retryAfter = null;
        if (status >= 300 && status < 400) {
            fc = FailureClass.INCOMPATIBLE;
        } else if (status == 401) {
            fc = FailureClass.AUTH_INVALID;
        } else if (status == 402) {
            fc = FailureClass.QUOTA_EXHAUSTED;
        } else if (status == 403) {
            fc = sig.quotaStrong
                    ? FailureClass.QUOTA_EXHAUSTED
                    : sig.model ? FailureClass.MODEL_NOT_FOUND : FailureClass.AUTH_INVALID;
        } else if (status == 404) {
            fc = sig.model ? FailureClass.MODEL_NOT_FOUND : FailureClass.INCOMPATIBLE;
        } else if (status == 400 || status == 422) {
            fc = sig.model
                    ? FailureClass.MODEL_NOT_FOUND
                    : sig.quotaStrong
                            ? FailureClass.QUOTA_EXHAUSTED
                            : sig.auth ? FailureClass.AUTH_INVALID : FailureClass.INCOMPATIBLE;
        } else if (status == 408) {
            fc = FailureClass.TIMEOUT;
        } else if (status == 429) {
            retryAfter = retryAfter(answer, raw);
            boolean rate = sig.rate || retryAfter != null;
            fc = sig.quotaStrong || (sig.quotaWeak && !rate) ? FailureClass.QUOTA_EXHAUSTED : FailureClass.RATE_LIMITED;
            if (fc == FailureClass.QUOTA_EXHAUSTED) {
                retryAfter = null;
            }
        } else if (status >= 500 && status < 600) {
            fc = FailureClass.UPSTREAM_ERROR;
            retryAfter =
                    answer.retryAfter() == null ? null : retryAfterSeconds(answer.retryAfter(), answer.receivedAt());
        } else {
            fc = FailureClass.INCOMPATIBLE;
        }
        return Optional.of(new UpstreamFailure(fc, status, detail(status, raw), retryAfter, code(raw)));
    }

    /** Classifies a call that got no HTTP answer. */
    public static UpstreamFailure classify(TransportError error, String detail) {
        String text = detail == null || detail.isBlank() ? error.description() : error.description() + ": " + detail;
        return new UpstreamFailure(
                error.failureClass(),
                null,
                line(text, MAX_MESSAGE),
                null,
                error.name().toLowerCase(Locale.ROOT));
    }

    /**
     * Classifies the exception an HTTP client threw (its cause chain is searched): timeouts → {@code TIMEOUT}; unknown
     * host, refused or unroutable connection, TLS and certificate failures, resets and other I/O failures → {@code
     * UNREACHABLE}; anything else is a defect on our side → {@code INTERNAL}.
     */
    public static UpstreamFailure classify(Throwable error) {
        TransportError kind = transportError(error);
        String detail = rootMessage(error);
        if (kind == null) {
            return new UpstreamFailure(
                    FailureClass.INTERNAL,
                    null,
                    line(error.getClass().getSimpleName() + (detail == null ? "" : ": " + detail), MAX_MESSAGE),
                    null,
                    null);
        }
        return classify(kind, detail);
    }

    /** The kind of transport failure behind an exception, or null when it is not an I/O failure. */
    static TransportError transportError(Throwable error) {
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return TransportError.CONNECT_TIMEOUT;
            }
            if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
                return TransportError.TOTAL_TIMEOUT;
            }
            if (t instanceof SocketTimeoutException) {
                String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                return m.contains("connect") ? TransportError.CONNECT_TIMEOUT : TransportError.READ_TIMEOUT;
            }
            if (t instanceof UnknownHostException) {
                return TransportError.DNS;
            }
            if (t instanceof SSLException || t instanceof GeneralSecurityException) {
                return TransportError.TLS;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return TransportError.CONNECT_REFUSED;
            }
        }
        seen.clear();
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t.getClass().getSimpleName().contains("Timeout")) {
                return TransportError.READ_TIMEOUT; // e.g. Netty's ReadTimeoutException
            }
        }
        seen.clear();
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SocketException || t instanceof EOFException || t instanceof IOException) {
                return TransportError.CONNECTION_RESET;
            }
        }
        return null;
    }

    /**
     * The warm-up race: a 403 on a completion while the model list answered and named that model is not a failure but
     * an advisory {@code WARMUP_403} (some vendors refuse a new key's first completions for a moment); the caller
     * retries. Empty when the answer is not a 403, the list did not answer ({@code listedModels} null) or does not name
     * the model, or the 403's body says the account has no credit.
     */
    public static Optional<Warning> warmUp403(
            UpstreamAnswer completion, String model, Collection<String> listedModels) {
        if (completion.status() != 403 || listedModels == null || model == null || !listedModels.contains(model)) {
            return Optional.empty();
        }
        Raw raw = read(completion.body(), completion.contentType());
        if (signals(raw).quotaStrong) {
            return Optional.empty();
        }
        String said = detail(403, raw);
        return Optional.of(new Warning(
                "WARMUP_403",
                oneLine(
                        "the upstream answered 403 to a completion with " + redact(model)
                                + " although its model list answered and names it: likely a new key still warming"
                                + " up, retried before failing (upstream said: " + said + ")",
                        2 * MAX_MESSAGE)));
    }

    // ------------------------------------------------------------------------------------------------ parse

    /** What an error body says; see {@link ErrorBody}. */
    public static ErrorBody parse(byte[] body, String contentType) {
        Raw raw = read(body, contentType);
        return new ErrorBody(
                raw.message == null ? null : line(raw.message, MAX_MESSAGE),
                raw.type == null ? null : line(raw.type, 64),
                raw.code == null ? null : line(raw.code, 64),
                raw.format);
    }

    /**
     * A redacted preview of a body for evidence ({@code ProbeCall.preview}): one line, at most {@value #MAX_MESSAGE}
     * characters; HTML as {@code [html] <title>}, binary as {@code [binary body, n bytes]}, nothing as {@code ""}.
     */
    public static String preview(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = decode(body);
        if (binary(text)) {
            return "[binary body, " + body.length + " bytes]";
        }
        if (html(text, null)) {
            String title = htmlTitle(text);
            return line("[html] " + (title == null ? htmlText(text) : title), MAX_MESSAGE);
        }
        return line(text, MAX_MESSAGE);
    }

    // ------------------------------------------------------------------------------------------------ redact

    private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/=\\-]{4,}");
    private static final Pattern URL_PASSWORD =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]{0,15}://[^/@\\s:]{0,256}):[^/@\\s]{1,256}@");
    private static final Pattern KEY_LIKE =
            Pattern.compile("(?i)\\b(?:sk|rk|pk|ak)-(?=[A-Za-z0-9_\\-*.]{6})[A-Za-z0-9_\\-*.]*[A-Za-z0-9_*]"
                    + "|\\bAIza[0-9A-Za-z_\\-]{20,}");
    private static final Pattern ASSIGNMENT =
            Pattern.compile("(?i)\\b(api[_-]?key|apikey|x-api-key|key|secret[_-]?key|access[_-]?key|access[_-]?token"
                    + "|auth[_-]?token|token|secret|password|passwd|authorization)\\b(\\s*[\"']?\\s*[:=]\\s*[\"']?)"
                    + "(?!\\[redacted\\]|bearer\\b)[^\\s\"'&,;}]+");
    private static final Pattern JWT =
            Pattern.compile("\\beyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,}(?:\\.[A-Za-z0-9_\\-]*)?");
    /** Zhipu's {@code <id>.<secret>} keys. */
    private static final Pattern ID_SECRET = Pattern.compile("\\b[0-9a-fA-F]{32}\\.[A-Za-z0-9]{8,}\\b");

    /** 32+ hex digits with at least one digit and one letter among the first 64. */
    private static final Pattern HEX =
            Pattern.compile("\\b(?=[0-9a-fA-F]{0,64}[0-9])(?=[0-9a-fA-F]{0,64}[a-fA-F])[0-9a-fA-F]{32,}\\b");
    /** A long run of letters and digits: 32+ with a digit and a letter, or 24+ with a digit and both cases. */
    private static final Pattern ALNUM = Pattern.compile("\\b[A-Za-z0-9]{24,}\\b");

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{40,}={0,2}");

    /**
     * Replaces what looks like a secret with {@code [redacted]}: {@code Bearer ...}, key-shaped tokens ({@code sk-...},
     * {@code sk-ant-...}, {@code rk-...}, {@code AIza...}), {@code api_key=...}-style assignments, JWTs, long hex,
     * base64 and mixed letter-digit runs, URL passwords.
     */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        // Each pattern runs only when the text holds what it cannot match without (one pass over the text and a
        // few indexOf): most previews (a model list, a chat answer) need none of the nine, and redaction ran for
        // every call a probe or a confirmation makes. "[redacted]" and the kept separators cannot create a trigger
        // that the original text lacked, so checking the original is enough.
        String lower = text.toLowerCase(Locale.ROOT);
        int alnum = 0;
        int hex = 0;
        int b64 = 0;
        int maxAlnum = 0;
        int maxHex = 0;
        int maxB64 = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean hexLetter = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            alnum = digit || letter ? alnum + 1 : 0;
            hex = digit || hexLetter ? hex + 1 : 0;
            b64 = digit || letter || c == '+' || c == '/' ? b64 + 1 : 0;
            maxAlnum = Math.max(maxAlnum, alnum);
            maxHex = Math.max(maxHex, hex);
            maxB64 = Math.max(maxB64, b64);
        }
        String r = text;
        if (lower.contains("bearer")) {
            r = BEARER.matcher(r).replaceAll("Bearer [redacted]");
        }
        if (text.indexOf('@') >= 0 && text.contains("://")) {
            r = URL_PASSWORD.matcher(r).replaceAll("$1:[redacted]@");
        }
        if (lower.contains("k-") || text.contains("AIza")) {
            r = KEY_LIKE.matcher(r).replaceAll("[redacted]");
        }
        if (text.contains("eyJ")) {
            r = JWT.matcher(r).replaceAll("[redacted]");
        }
        if (maxHex >= 32) {
            r = ID_SECRET.matcher(r).replaceAll("[redacted]");
        }
        if (lower.contains("key")
                || lower.contains("token")
                || lower.contains("secret")
                || lower.contains("passw")
                || lower.contains("authorization")) {
            r = ASSIGNMENT.matcher(r).replaceAll("$1$2[redacted]");
        }
        if (maxHex >= 32) {
            r = HEX.matcher(r).replaceAll("[redacted]");
        }
        if (maxB64 >= 40) {
            r = BASE64.matcher(r)
                    .replaceAll(m -> secretLike(m.group()) ? "[redacted]" : Matcher.quoteReplacement(m.group()));
        }
        if (maxAlnum >= 24) {
            r = ALNUM.matcher(r)
                    .replaceAll(m -> secretLike(m.group()) ? "[redacted]" : Matcher.quoteReplacement(m.group()));
        }
        return r;
    }

    private static boolean secretLike(String s) {
        boolean digit = false;
        boolean upper = false;
        boolean lower = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            digit |= c >= '0' && c <= '9';
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
        }
        int letters = (upper ? 1 : 0) + (lower ? 1 : 0);
        return (s.length() >= 32 && digit && letters > 0) || (digit && upper && lower);
    }

    /**
     * One redacted line of at most {@code max} code points. Only the first {@code 4 * max} code points (whole tokens)
     * are redacted and kept, so a huge body costs little and no fragment of a cut-off secret can show.
     */
    static String line(String text, int max) {
        if (text == null) {
            return null;
        }
        String c = oneLine(text, 4 * max);
        if (c.endsWith("…") && c.codePointCount(0, c.length()) == 4 * max) {
            int space = c.lastIndexOf(' ');
            if (space > 0) {
                c = c.substring(0, space) + " …";
            }
        }
        return oneLine(redact(c), max);
    }

    /**
     * Makes text one line of at most {@code max} code points: control characters and runs of whitespace become one
     * space; a longer text is cut and ends in {@code …}.
     */
    public static String oneLine(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), max * 2 + 8));
        boolean space = false;
        int count = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            boolean ws = Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp);
            if (ws) {
                space = b.length() > 0;
                continue;
            }
            if (space) {
                b.append(' ');
                count++;
                space = false;
            }
            b.appendCodePoint(cp);
            count++;
            if (count > max) {
                break;
            }
        }
        if (count <= max) {
            return b.toString();
        }
        // cut to max - 1 code points and add the ellipsis
        int end = b.offsetByCodePoints(0, max - 1);
        return b.substring(0, end).stripTrailing() + "…";
    }

    // ------------------------------------------------------------------------------------------------ retry-after

    private static final Pattern TRY_AGAIN = Pattern.compile(
            "(?i)(?:try again|retry)\\s+(?:in|after)\\s+(\\d+(?:\\.\\d+)?)\\s*(ms|milliseconds?|s|secs?|seconds?)\\b");

    /**
     * A {@code Retry-After} header in whole seconds (rounded up): delta-seconds (a fraction is tolerated) or an
     * HTTP-date counted from {@code now} (a date in the past is 0). Null when absent or unreadable.
     */
    public static Integer retryAfterSeconds(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.strip();
        if (h.matches("\\d+(\\.\\d+)?")) {
            double seconds = Double.parseDouble(h);
            return (int) Math.min(Integer.MAX_VALUE, Math.ceil(seconds));
        }
        if (now == null) {
            return null;
        }
        try {
            Instant at =
                    ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            long millis = Duration.between(now, at).toMillis();
            return millis <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Integer retryAfter(UpstreamAnswer answer, Raw raw) {
        Integer header = retryAfterSeconds(answer.retryAfter(), answer.receivedAt());
        if (header != null) {
            return header;
        }
        Matcher m = TRY_AGAIN.matcher(raw.haystack);
        if (m.find()) {
            double n = Double.parseDouble(m.group(1));
            boolean millis = m.group(2).toLowerCase(Locale.ROOT).startsWith("m");
            return (int) Math.ceil(millis ? n / 1000.0 : n);
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ internals

    /** The parsed body, unredacted (internal only). {@code haystack} is lower-case text to look for signals in. */
    private record Raw(
            BodyFormat format, String message, String type, String code, JsonNode json, String text, String haystack) {}

    private static Raw read(byte[] body, String contentType) {
        if (body == null || body.length == 0) {
            return new Raw(BodyFormat.EMPTY, null, null, null, null, "", "");
        }
        String text = decode(body);
        if (text.isBlank()) {
            return new Raw(BodyFormat.EMPTY, null, null, null, null, "", "");
        }
        if (binary(text)) {
            return new Raw(BodyFormat.BINARY, null, null, null, null, "", "");
        }
        String trimmed = text.strip();
        if ((trimmed.startsWith("{") || trimmed.startsWith("[")) && body.length <= MAX_PARSED) {
            try {
                JsonNode n = JSON.readTree(trimmed);
                if (n != null && (n.isObject() || n.isArray())) {
                    return fromJson(n, text);
                }
            } catch (JacksonException notJson) {
                // truncated or not JSON: read as text
            }
        }
        if (html(text, contentType)) {
            String title = htmlTitle(text);
            String message = title != null ? "HTML page: " + title : "HTML page: " + htmlText(text);
            return new Raw(BodyFormat.HTML, message, null, null, null, text, lower(message));
        }
        String firstLine = head(text).strip();
        int nl = firstLine.indexOf('\n');
        String message = nl > 0 ? firstLine.substring(0, nl) : firstLine;
        return new Raw(BodyFormat.TEXT, message, null, null, null, text, lower(head(text)));
    }

    private static Raw fromJson(JsonNode root, String text) {
        JsonNode n = root;
        if (n.isArray()) {
            n = n.isEmpty() ? n : n.get(0);
            if (!n.isObject()) {
                return json(root, text, BodyFormat.JSON, null, null, null);
            }
        }
        JsonNode error = n.get("error");
        if (error != null && error.isObject()) {
            String message = firstString(error, "message", "msg", "detail", "error_msg", "error");
            String type = scalar(error.get("type"));
            String code = scalar(error.get("code"));
            if (code == null) {
                code = scalar(error.get("status"));
            }
            BodyFormat f = "error".equals(scalar(n.get("type"))) ? BodyFormat.ANTHROPIC : BodyFormat.OPENAI;
            return json(root, text, f, message, type, code);
        }
        if (error != null && error.isString() && !error.stringValue().isBlank()) {
            return json(
                    root,
                    text,
                    BodyFormat.ERROR_STRING,
                    error.stringValue(),
                    scalar(n.get("type")),
                    firstScalar(n, "code", "error_code", "status"));
        }
        JsonNode base = n.get("base_resp");
        if (base != null && base.isObject()) {
            String code = scalar(base.get("status_code"));
            if (code != null && !code.equals("0")) {
                return json(root, text, BodyFormat.BASE_RESP, scalar(base.get("status_msg")), null, code);
            }
        }
        String message = firstString(n, "message", "msg", "error_msg", "errorMessage", "error_message");
        String topCode = firstScalar(n, "code", "error_code", "errorCode", "status");
        boolean success = n.path("success").asBoolean(false)
                || (topCode != null
                        && (topCode.equals("0")
                                || topCode.equals("200")
                                || topCode.equalsIgnoreCase("ok")
                                || topCode.equalsIgnoreCase("success")));
        if (message != null && !success) {
            return json(root, text, BodyFormat.MESSAGE, message, scalar(n.get("type")), topCode);
        }
        JsonNode detail = n.get("detail");
        if (detail != null && !detail.isNull()) {
            String d = detail.isString() ? detail.stringValue() : null;
            if (detail.isArray() && !detail.isEmpty()) {
                JsonNode first = detail.get(0);
                d = first.isString() ? first.stringValue() : firstString(first, "msg", "message");
                JsonNode loc = first.get("loc");
                if (d != null && loc != null && loc.isArray()) {
                    StringBuilder where = new StringBuilder();
                    for (JsonNode l : loc.values()) {
                        where.append(where.isEmpty() ? "" : ".").append(l.asString());
                    }
                    d = d + " (" + where + ")";
                }
            } else if (detail.isObject()) {
                d = firstString(detail, "message", "msg", "detail");
            }
            if (d != null) {
                return json(root, text, BodyFormat.DETAIL, d, null, scalar(n.get("code")));
            }
        }
        JsonNode errors = n.get("errors");
        if (errors != null && errors.isArray() && !errors.isEmpty()) {
            JsonNode first = errors.get(0);
            String m = first.isString() ? first.stringValue() : firstString(first, "message", "msg", "detail");
            if (m != null) {
                return json(
                        root, text, BodyFormat.MESSAGE, m, null, first.isObject() ? scalar(first.get("code")) : null);
            }
        }
        return json(root, text, BodyFormat.JSON, null, null, null);
    }

    private static Raw json(JsonNode root, String text, BodyFormat f, String message, String type, String code) {
        String hay = lower(head(message == null ? "" : message, MAX_SCANNED) + " " + (type == null ? "" : type) + " "
                + (code == null ? "" : code));
        return new Raw(f, message, type, code, root, text, hay);
    }

    private static String firstString(JsonNode n, String... fields) {
        for (String f : fields) {
            JsonNode v = n.get(f);
            if (v != null && v.isString() && !v.stringValue().isBlank()) {
                return v.stringValue();
            }
        }
        return null;
    }

    private static String firstScalar(JsonNode n, String... fields) {
        for (String f : fields) {
            String s = scalar(n.get(f));
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    private static String scalar(JsonNode v) {
        if (v == null || v.isNull() || v.isContainer()) {
            return null;
        }
        String s = v.asString();
        return s == null || s.isBlank() ? null : s;
    }

    // --- signals

    private static final Pattern QUOTA_STRONG = Pattern.compile("insufficient[_ ]?(quota|balance|funds|credits?)"
            + "|exceeded[_ ]current[_ ]quota|exceeded your current quota|quota[_ ]exceeded|quota has been exhausted"
            + "|credit balance|out of credits|no (remaining )?credits?|billing[_ ]hard[_ ]limit|payment required"
            + "|arrearage|account (is )?(in )?arrears|余额|欠费|资源包|额度不足|配额不足|账户已欠费");
    private static final Pattern QUOTA_WEAK = Pattern.compile("quota|billing|balance|credit|payment|额度|配额");
    private static final Pattern RATE = Pattern.compile("rate[_ ]?limit|too many requests|requests per|tokens per"
            + "|\\brpm\\b|\\btpm\\b|\\brps\\b|try again in|try again after|retry after|concurren|throttl|slow down"
            + "|频率|频繁|限流|并发");
    private static final Pattern AUTH = Pattern.compile("invalid[_ -]?api[_ -]?key|incorrect api key|api key not valid"
            + "|invalid[_ ]authentication|authentication|unauthori[sz]ed|login fail|invalid[_ ]?token|apikey"
            + "|鉴权|认证失败|身份验证|令牌");
    private static final Pattern MODEL_CODE = Pattern.compile("model[_ ]?not[_ ]?(found|exists?)|invalid[_ ]model"
            + "|unknown[_ ]model|no[_ ]such[_ ]model|model[_ ]?not[_ ]?available");
    private static final Pattern MODEL_TEXT = Pattern.compile("\\bmodel\\b.{0,80}(does not exist|do not exist|not exist"
            + "|not found|not available)"
            + "|(does not exist|not found|unknown|invalid|no such|not exist)\\b.{0,20}\\bmodel\\b"
            + "|模型不存在|模型.{0,20}不存在|无效的模型");

    /** Vendor codes: Zhipu (GLM) error codes and MiniMax base_resp status codes. */
    private static final Map<String, FailureClass> GLM_CODES = Map.ofEntries(
            Map.entry("1000", FailureClass.AUTH_INVALID),
            Map.entry("1001", FailureClass.AUTH_INVALID),
            Map.entry("1002", FailureClass.AUTH_INVALID),
            Map.entry("1003", FailureClass.AUTH_INVALID),
            Map.entry("1004", FailureClass.AUTH_INVALID),
            Map.entry("1113", FailureClass.QUOTA_EXHAUSTED),
            Map.entry("1211", FailureClass.MODEL_NOT_FOUND),
            Map.entry("1302", FailureClass.RATE_LIMITED),
            Map.entry("1303", FailureClass.RATE_LIMITED),
            Map.entry("1305", FailureClass.RATE_LIMITED));

    private static final Map<String, FailureClass> MINIMAX_CODES = Map.of(
            "1004", FailureClass.AUTH_INVALID,
            "2049", FailureClass.AUTH_INVALID,
            "1008", FailureClass.QUOTA_EXHAUSTED,
            "1002", FailureClass.RATE_LIMITED,
            "1039", FailureClass.RATE_LIMITED);

    private record Signals(boolean auth, boolean quotaStrong, boolean quotaWeak, boolean rate, boolean model) {}

    private static Signals signals(Raw raw) {
        String hay = raw.haystack;
        FailureClass byCode = null;
        if (raw.code != null) {
            byCode = raw.format == BodyFormat.BASE_RESP ? MINIMAX_CODES.get(raw.code) : GLM_CODES.get(raw.code);
        }
        boolean anthropicModel = raw.format == BodyFormat.ANTHROPIC
                && "not_found_error".equals(raw.type)
                && raw.message != null
                && raw.message.strip().toLowerCase(Locale.ROOT).startsWith("model:");
        boolean model = byCode == FailureClass.MODEL_NOT_FOUND
                || anthropicModel
                || MODEL_CODE.matcher(hay).find()
                || (raw.message != null
                        && MODEL_TEXT
                                .matcher(lower(head(raw.message, MAX_SCANNED)))
                                .find());
        return new Signals(
                byCode == FailureClass.AUTH_INVALID || AUTH.matcher(hay).find(),
                byCode == FailureClass.QUOTA_EXHAUSTED
                        || QUOTA_STRONG.matcher(hay).find(),
                QUOTA_WEAK.matcher(hay).find(),
                byCode == FailureClass.RATE_LIMITED || RATE.matcher(hay).find(),
                model);
    }

    // --- 2xx

    private static boolean satisfies(Raw raw, Expect expect) {
        if (expect == Expect.CHAT_COMPLETION_STREAM || expect == Expect.ANTHROPIC_MESSAGE_STREAM) {
            return streamSatisfies(raw.text, expect);
        }
        JsonNode n = raw.json;
        if (n == null || raw.format != BodyFormat.JSON) {
            return false;
        }
        return switch (expect) {
            case MODEL_LIST -> {
                JsonNode data = n.get("data");
                yield n.isObject()
                        && data != null
                        && data.isArray()
                        && (data.isEmpty() || data.get(0).path("id").isString());
            }
            case CHAT_COMPLETION -> n.isObject() && n.path("choices").isArray();
            case ANTHROPIC_MESSAGE ->
                n.isObject()
                        && ("message".equals(n.path("type").asString(null))
                                || ("assistant".equals(n.path("role").asString(null))
                                        && n.path("content").isArray()));
            case EMBEDDINGS -> {
                JsonNode data = n.get("data");
                yield n.isObject()
                        && data != null
                        && data.isArray()
                        && !data.isEmpty()
                        && (data.get(0).path("embedding").isArray()
                                || data.get(0).path("embedding").isString());
            }
            case ANY_JSON -> true;
            default -> false;
        };
    }

    private static boolean streamSatisfies(String text, Expect expect) {
        if (text == null) {
            return false;
        }
        for (String line : head(text, MAX_PARSED).split("\r?\n")) {
            String l = line.strip();
            if (expect == Expect.ANTHROPIC_MESSAGE_STREAM && l.equals("event: message_start")) {
                return true;
            }
            if (!l.startsWith("data:")) {
                continue;
            }
            String payload = l.substring(5).strip();
            if (!payload.startsWith("{")) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(payload);
                if (expect == Expect.CHAT_COMPLETION_STREAM && n.path("choices").isArray()) {
                    return true;
                }
                if (expect == Expect.ANTHROPIC_MESSAGE_STREAM
                        && "message_start".equals(n.path("type").asString(null))) {
                    return true;
                }
                if (n.has("error")) {
                    return false;
                }
            } catch (JacksonException e) {
                // a cut-off chunk: keep looking
            }
        }
        return false;
    }

    private static UpstreamFailure successButWrong(UpstreamAnswer answer, Raw raw, Signals sig, Expect expect) {
        int status = answer.status();
        Raw r = raw;
        if ((expect == Expect.CHAT_COMPLETION_STREAM || expect == Expect.ANTHROPIC_MESSAGE_STREAM)
                && raw.format == BodyFormat.TEXT) {
            r = streamError(raw);
            sig = signals(r);
        }
        boolean errorBody = r.message != null && r.format != BodyFormat.TEXT && r.format != BodyFormat.HTML;
        if (errorBody) {
            FailureClass fc = sig.quotaStrong
                    ? FailureClass.QUOTA_EXHAUSTED
                    : sig.auth
                            ? FailureClass.AUTH_INVALID
                            : sig.model
                                    ? FailureClass.MODEL_NOT_FOUND
                                    : sig.rate ? FailureClass.RATE_LIMITED : FailureClass.INCOMPATIBLE;
            Integer retry = fc == FailureClass.RATE_LIMITED ? retryAfter(answer, r) : null;
            return new UpstreamFailure(
                    fc,
                    status,
                    line("HTTP " + status + " carrying an error: " + message(r), MAX_MESSAGE),
                    retry,
                    code(r));
        }
        String what = switch (raw.format) {
            case EMPTY -> "an empty body";
            case BINARY -> "a binary body";
            case HTML -> "an HTML page (" + raw.message.substring("HTML page: ".length()) + ")";
            case TEXT -> "text that is not JSON (" + raw.message + ")";
            default -> "JSON without the expected shape";
        };
        return new UpstreamFailure(
                FailureClass.INCOMPATIBLE,
                status,
                line("HTTP " + status + " but " + what + "; expected " + expected(expect), MAX_MESSAGE),
                null,
                null);
    }

    /** The first {@code data:} chunk of a stream that carries an error, read as a body. */
    private static Raw streamError(Raw raw) {
        for (String line : head(raw.text, MAX_SCANNED).split("\r?\n")) {
            String l = line.strip();
            if (l.startsWith("data:") && l.substring(5).strip().startsWith("{")) {
                try {
                    Raw r = fromJson(JSON.readTree(l.substring(5).strip()), raw.text);
                    if (r.message != null) {
                        return r;
                    }
                } catch (JacksonException e) {
                    // keep looking
                }
            }
        }
        return raw;
    }

    private static String expected(Expect expect) {
        return switch (expect) {
            case MODEL_LIST -> "a model list {\"data\": [{\"id\": ...}]}";
            case CHAT_COMPLETION -> "a chat completion {\"choices\": [...]}";
            case CHAT_COMPLETION_STREAM -> "an event stream of chat completion chunks";
            case ANTHROPIC_MESSAGE -> "an Anthropic message {\"type\": \"message\"}";
            case ANTHROPIC_MESSAGE_STREAM -> "an event stream starting with message_start";
            case EMBEDDINGS -> "embeddings {\"data\": [{\"embedding\": [...]}]}";
            case ANY_JSON, ANYTHING -> "JSON";
        };
    }

    // --- detail

    private static String detail(int status, Raw raw) {
        String text = switch (raw.format) {
            case EMPTY -> "HTTP " + status + " with an empty body";
            case BINARY -> "HTTP " + status + " with a binary body";
            case JSON -> "HTTP " + status + ": " + head(raw.text.strip(), 400);
            default -> message(raw);
        };
        return line(text, MAX_MESSAGE);
    }

    private static String message(Raw raw) {
        String m = raw.message == null ? "" : raw.message.strip();
        String c = raw.code != null ? raw.code : raw.type;
        if (c != null && !m.toLowerCase(Locale.ROOT).contains(c.toLowerCase(Locale.ROOT))) {
            m = m + " [" + c + "]";
        }
        return m;
    }

    private static String code(Raw raw) {
        String c = raw.code != null ? raw.code : raw.type;
        return c == null ? null : line(c, 64);
    }

    // --- text helpers

    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    private static final Pattern H1 = Pattern.compile("(?is)<h1[^>]*>(.*?)</h1>");
    private static final Pattern TAGS = Pattern.compile("(?s)<script.*?</script>|<style.*?</style>|<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);");

    private static String decode(byte[] body) {
        int n = Math.min(body.length, MAX_PARSED);
        String s = new String(body, 0, n, StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static boolean binary(String text) {
        int n = Math.min(text.length(), 512);
        int bad = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\uFFFD' || (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
                bad++;
            }
        }
        return n > 0 && bad * 10 > n;
    }

    private static boolean html(String text, String contentType) {
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("html")) {
            return true;
        }
        String start = lower(head(text.stripLeading(), 256));
        return start.startsWith("<!doctype html")
                || start.startsWith("<html")
                || start.startsWith("<head")
                || start.startsWith("<body")
                || start.startsWith("<title")
                || (start.startsWith("<") && start.contains("<html"));
    }

    private static String htmlTitle(String text) {
        String h = head(text, 64 * 1024);
        for (Pattern p : new Pattern[] {TITLE, H1}) {
            Matcher m = p.matcher(h);
            if (m.find()) {
                String t = entities(TAGS.matcher(m.group(1)).replaceAll(" ")).strip();
                if (!t.isEmpty()) {
                    return oneLine(t, MAX_MESSAGE);
                }
            }
        }
        return null;
    }

    private static String htmlText(String text) {
        String t = oneLine(entities(TAGS.matcher(head(text, 64 * 1024)).replaceAll(" ")), MAX_MESSAGE);
        return t.isEmpty() ? "no title" : t;
    }

    private static String entities(String s) {
        return ENTITY.matcher(s).replaceAll(m -> {
            String e = m.group(1);
            String out;
            try {
                if (e.startsWith("#x") || e.startsWith("#X")) {
                    out = new String(Character.toChars(Integer.parseInt(e.substring(2), 16)));
                } else if (e.startsWith("#")) {
                    out = new String(Character.toChars(Integer.parseInt(e.substring(1))));
                } else {
                    out = switch (e.toLowerCase(Locale.ROOT)) {
                        case "amp" -> "&";
                        case "lt" -> "<";
                        case "gt" -> ">";
                        case "quot" -> "\"";
                        case "apos" -> "'";
                        case "nbsp" -> " ";
                        case "ndash", "mdash" -> "-";
                        default -> m.group();
                    };
                }
            } catch (IllegalArgumentException badNumber) {
                out = m.group();
            }
            return Matcher.quoteReplacement(out);
        });
    }

    private static String rootMessage(Throwable error) {
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        String message = null;
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message;
    }

    private static String head(String text) {
        return head(text, MAX_SCANNED);
    }

    private static String head(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
