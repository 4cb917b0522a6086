package dev.relay.gateway.introspect;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;

/**
 * A bounded ring of the most recent client requests, for {@code GET /internal/debug/requests}. By default an entry
 * keeps <em>metadata only</em>: {@link #record} drops the request and response bodies it is given unless body capture
 * is on for the entry's client key id or globally ({@link #capture}, {@code PUT /internal/debug/capture}), always with
 * an expiry of at most {@link #MAX_CAPTURE}. Captures live in this replica's memory only. The hot path only stores
 * references (the request's headers object, bodies when captured; bodies above {@code maxBodyBytes} are not kept);
 * copying and redaction happen when an operator reads the ring, never on the request path.
 */
public final class DebugRecorder {

    private static final Logger log = LoggerFactory.getLogger(DebugRecorder.class);

    /** The longest a body capture may be set for. */
    public static final Duration MAX_CAPTURE = Duration.ofHours(24);

    /** Per-key captures held at once, at most (each is a few dozen bytes; this only bounds a runaway script). */
    public static final int MAX_KEY_CAPTURES = 1000;

    /** One finished request as seen by the edge. Bodies are the raw bytes; {@link Redactor} runs on read. */
    public record Entry(
            Instant at,
            String requestId,
            String clientApi,
            String method,
            String path,
            HttpHeaders requestHeaders,
            String clientKeyId,
            String publicModel,
            String channelId,
            List<String> channelsTried,
            boolean stream,
            int status,
            String outcome,
            long latencyMillis,
            byte[] requestBody,
            int requestBytes,
            byte[] responseBody,
            int responseBytes) {

        /** The same entry without bodies; their sizes stay. */
        Entry withoutBodies() {
            return requestBody == null && responseBody == null
                    ? this
                    : new Entry(
                            at,
                            requestId,
                            clientApi,
                            method,
                            path,
                            requestHeaders,
                            clientKeyId,
                            publicModel,
                            channelId,
                            channelsTried,
                            stream,
                            status,
                            outcome,
                            latencyMillis,
                            null,
                            requestBytes,
                            null,
                            responseBytes);
        }
    }

    /**
     * Body capture for every request ({@code keyId == null}) or for one client key id, from {@code since} until
     * {@code until} (exclusive). {@code until == null} only for the global capture that
     * {@code relay.gateway.proxy.debug-capture-bodies} turns on at start: it lasts until it is turned off.
     */
    public record Capture(String keyId, Instant since, Instant until) {

        public boolean global() {
            return keyId == null;
        }

        boolean activeAt(Instant now) {
            return until == null || now.isBefore(until);
        }
    }

    public static final DebugRecorder DISABLED = new DebugRecorder(0, 0);

    private final Entry[] ring;
    private final int maxBodyBytes;
    private final Clock clock;
    private final AtomicReference<Capture> global = new AtomicReference<>();
    private final ConcurrentHashMap<String, Capture> byKey = new ConcurrentHashMap<>();
    private long next;

    /** Metadata only until a capture is set; the system clock. */
    public DebugRecorder(int capacity, int maxBodyBytes) {
        this(capacity, maxBodyBytes, Clock.systemUTC(), false);
    }

    /**
     * @param captureBodiesAtStart a global body capture without expiry from the start (local debugging only:
     *     {@code relay.gateway.proxy.debug-capture-bodies})
     */
    public DebugRecorder(int capacity, int maxBodyBytes, Clock clock, boolean captureBodiesAtStart) {
        this.ring = new Entry[Math.max(0, capacity)];
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
        if (captureBodiesAtStart && ring.length > 0) {
            global.set(new Capture(null, clock.instant(), null));
            log.warn("relay.gateway.proxy.debug-capture-bodies is on: the debug ring keeps the prompt and reply"
                    + " bodies of every request until the capture is turned off (DELETE /internal/debug/capture)");
        }
    }

    public boolean enabled() {
        return ring.length > 0;
    }

    /** The largest body (request or response) kept per entry. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * Whether bodies of a request by {@code keyId} (null: no known key) are kept now. Cheap when no capture is set (two
     * volatile reads), so a caller may use it to skip buffering a body that would be dropped.
     */
    public boolean capturesBodies(String keyId) {
        Capture g = global.get();
        if (g == null && byKey.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        if (g != null) {
            if (g.activeAt(now)) {
                return true;
            }
            global.compareAndSet(g, null);
        }
        if (keyId != null) {
            Capture c = byKey.get(keyId);
            if (c != null) {
                if (c.activeAt(now)) {
                    return true;
                }
                byKey.remove(keyId, c);
            }
        }
        return false;
    }

    /** Keeps the entry; its bodies only if {@link #capturesBodies} says so for its key id now. */
    public void record(Entry e) {
        if (ring.length == 0) {
            return;
        }
        Entry kept = (e.requestBody() == null && e.responseBody() == null) || capturesBodies(e.clientKeyId())
                ? e
                : e.withoutBodies();
        synchronized (ring) {
            ring[(int) (next++ % ring.length)] = kept;
        }
    }

    /** The newest {@code limit} entries, newest first. */
    public List<Entry> recent(int limit) {
        List<Entry> out = new ArrayList<>();
        synchronized (ring) {
            long n = Math.min(next, ring.length);
            for (long i = 0; i < n && out.size() < limit; i++) {
                out.add(ring[(int) ((next - 1 - i) % ring.length)]);
            }
        }
        return out;
    }

    public int capacity() {
        return ring.length;
    }

    /** This recorder's clock's now (captures are judged against it). */
    public Instant now() {
        return clock.instant();
    }

    /**
     * Keeps bodies of requests by {@code keyId} (null: every request) until {@code until}, replacing an earlier
     * capture of the same scope.
     *
     * @throws IllegalArgumentException when {@code until} is not in the future or more than {@link #MAX_CAPTURE} ahead
     * @throws IllegalStateException when the ring is off, or {@link #MAX_KEY_CAPTURES} keys are captured already
     */
    public Capture capture(String keyId, Instant until) {
        if (!enabled()) {
            throw new IllegalStateException("the debug ring is off (relay.gateway.proxy.debug-capacity=0)");
        }
        Instant now = clock.instant();
        if (until == null || !until.isAfter(now)) {
            throw new IllegalArgumentException("a capture must end in the future");
        }
        if (until.isAfter(now.plus(MAX_CAPTURE))) {
            throw new IllegalArgumentException("a capture may last " + MAX_CAPTURE.toHours() + " hours at most");
        }
        Capture c = new Capture(keyId, now, until);
        if (keyId == null) {
            global.set(c);
        } else {
            dropExpired(now);
            if (!byKey.containsKey(keyId) && byKey.size() >= MAX_KEY_CAPTURES) {
                throw new IllegalStateException(
                        MAX_KEY_CAPTURES + " keys are captured already; turn some off or capture globally");
            }
            byKey.put(keyId, c);
        }
        return c;
    }

    /** {@link #capture(String, Instant)} for {@code duration} from now. */
    public Capture capture(String keyId, Duration duration) {
        return capture(keyId, clock.instant().plus(duration));
    }

    /** Ends the capture of {@code keyId} (null: the global one); whether there was one (expired or not). */
    public boolean stopCapture(String keyId) {
        if (keyId == null) {
            return global.getAndSet(null) != null;
        }
        return byKey.remove(keyId) != null;
    }

    /** Ends every capture. */
    public void stopAllCaptures() {
        global.set(null);
        byKey.clear();
    }

    /** The captures in force now: the global one first, then per key by key id. Expired ones are dropped. */
    public List<Capture> captures() {
        Instant now = clock.instant();
        dropExpired(now);
        List<Capture> out = new ArrayList<>();
        Capture g = global.get();
        if (g != null) {
            out.add(g);
        }
        byKey.values().stream().sorted(Comparator.comparing(Capture::keyId)).forEach(out::add);
        return out;
    }

    private void dropExpired(Instant now) {
        Capture g = global.get();
        if (g != null && !g.activeAt(now)) {
            global.compareAndSet(g, null);
        }
        byKey.values().removeIf(c -> !c.activeAt(now));
    }
}
