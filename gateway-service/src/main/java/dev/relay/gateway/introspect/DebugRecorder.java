package dev.relay.gateway.introspect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;

/**
 * A bounded ring of the most recent client requests and responses, for {@code GET /internal/debug/requests}. The hot
 * path only stores references (the request's headers object, bodies; bodies above {@code maxBodyBytes} are not
 * kept); copying and redaction happen when an operator
 * reads the ring, never on the request path.
 */
public final class DebugRecorder {

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
            int responseBytes) {}

    public static final DebugRecorder DISABLED = new DebugRecorder(0, 0);

    private final Entry[] ring;
    private final int maxBodyBytes;
    private long next;

    public DebugRecorder(int capacity, int maxBodyBytes) {
        this.ring = new Entry[Math.max(0, capacity)];
        this.maxBodyBytes = maxBodyBytes;
    }

    public boolean enabled() {
        return ring.length > 0;
    }

    /** The largest body (request or response) kept per entry. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public void record(Entry e) {
        if (ring.length == 0) {
            return;
        }
        synchronized (ring) {
            ring[(int) (next++ % ring.length)] = e;
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
}
