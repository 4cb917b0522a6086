package dev.relay.gateway.proxy;

import dev.relay.gateway.health.FailureKind;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Classifies upstream failures; reads retry hints. Pure. */
final class UpstreamFailures {

    private static final Pattern GO_DURATION =
            Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+(?:\\.\\d+)?)s)?(?:(\\d+)ms)?");

    private UpstreamFailures() {}

    static FailureKind classify(Throwable e) {
        Throwable t = e;
        while (t != null) {
            if (isPoolExhaustion(t)) {
                return FailureKind.LOCAL_OVERLOAD;
            }
            if (t instanceof TimeoutException || t instanceof io.netty.handler.timeout.ReadTimeoutException) {
                return FailureKind.TIMEOUT;
            }
            if (t instanceof ConnectTimeoutException) {
                return FailureKind.TIMEOUT;
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return FailureKind.CONNECT_ERROR;
            }
            t = t.getCause();
        }
        return e instanceof IOException || e.getClass().getName().startsWith("reactor.netty")
                ? FailureKind.CONNECT_ERROR
                : FailureKind.SERVER_ERROR;
    }

    /**
     * Reactor Netty's pool refusing a connection ({@code PoolAcquireTimeoutException} extends
     * {@link TimeoutException}, so it must be told apart from an upstream timeout; the classes are shaded, hence by name).
     */
    private static boolean isPoolExhaustion(Throwable t) {
        String n = t.getClass().getName();
        return n.endsWith(".pool.PoolAcquireTimeoutException") || n.endsWith(".pool.PoolAcquirePendingLimitException");
    }

    /** For a non-2xx upstream status: the health classification, or null when the client's request is at fault. */
    static FailureKind classify(int status, byte[] body) {
        if (status == 429) {
            return isQuotaBody(body) ? FailureKind.QUOTA_EXHAUSTED : FailureKind.RATE_LIMITED;
        }
        if (status == 401 || status == 403) {
            return FailureKind.AUTH_REFUSED;
        }
        if (status == 408) {
            return FailureKind.TIMEOUT;
        }
        if (status >= 500) {
            return FailureKind.SERVER_ERROR;
        }
        return null;
    }

    static boolean isQuotaBody(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        return s.contains("insufficient_quota")
                || s.contains("exceeded your current quota")
                || s.contains("billing")
                || s.contains("credit balance");
    }

    /** {@code retry-after} (seconds or HTTP-date), else OpenAI's {@code x-ratelimit-reset-*} durations, else null. */
    static Duration retryAfter(HttpHeaders headers) {
        String ra = headers.get("retry-after");
        if (ra != null) {
            ra = ra.trim();
            try {
                return Duration.ofMillis((long) (Double.parseDouble(ra) * 1000));
            } catch (NumberFormatException ignored) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(ra, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                    return d.isNegative() ? Duration.ZERO : d;
                } catch (RuntimeException ignoredToo) {
                    // fall through
                }
            }
        }
        Duration best = null;
        for (String name : new String[] {"x-ratelimit-reset-requests", "x-ratelimit-reset-tokens", "retry-after-ms"}) {
            String v = headers.get(name);
            if (v == null) {
                continue;
            }
            Duration d = name.equals("retry-after-ms") ? parseMillis(v) : parseGoDuration(v.trim());
            if (d != null && (best == null || d.compareTo(best) > 0)) {
                best = d;
            }
        }
        return best;
    }

    private static Duration parseMillis(String v) {
        try {
            return Duration.ofMillis(Long.parseLong(v.trim()));
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    static Duration parseGoDuration(String v) {
        if (v.isEmpty()) {
            return null;
        }
        Matcher m = GO_DURATION.matcher(v);
        if (!m.matches()) {
            return null;
        }
        long ms = 0;
        if (m.group(1) != null) {
            ms += Long.parseLong(m.group(1)) * 3_600_000;
        }
        if (m.group(2) != null) {
            ms += Long.parseLong(m.group(2)) * 60_000;
        }
        if (m.group(3) != null) {
            ms += (long) (Double.parseDouble(m.group(3)) * 1000);
        }
        if (m.group(4) != null) {
            ms += Long.parseLong(m.group(4));
        }
        return Duration.ofMillis(ms);
    }

    private static final Pattern KEY_LIKE = Pattern.compile("\\b(?:sk|sk-ant|rk|key|ak)-[A-Za-z0-9_\\-*.]{4,}");

    /**
     * Removes the channel's credential from anything that may reach a client: the exact value, and key-like tokens
     * (upstreams echo masked keys such as {@code sk-abc***xyz}, which still leak a prefix and suffix).
     */
    static byte[] redact(byte[] body, String credential) {
        String s = new String(body, StandardCharsets.UTF_8);
        String r = s;
        if (credential != null && credential.length() >= 4) {
            r = r.replace(credential, "[redacted]");
        }
        r = KEY_LIKE.matcher(r).replaceAll("[redacted]");
        return r.equals(s) ? body : r.getBytes(StandardCharsets.UTF_8);
    }
}
