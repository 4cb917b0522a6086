package dev.relay.simulator.recorder;

import dev.relay.simulator.SimulatorProperties;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** A bounded ring of the most recent requests. O(1) per recorded request under an uncontended lock. */
@Component
public class RequestRecorder {

    private final RecordedRequest[] ring;
    private int next;
    private int size;
    private long sequence;

    public RequestRecorder(SimulatorProperties properties) {
        this.ring = new RecordedRequest[properties.recorderSize()];
    }

    public synchronized RecordedRequest record(
            String method,
            String path,
            String query,
            Map<String, List<String>> headers,
            byte[] body,
            String scenarioId) {
        RecordedRequest request = new RecordedRequest(
                ++sequence, method, path, query, headers, body, System.currentTimeMillis(), scenarioId);
        ring[next] = request;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
        return request;
    }

    /** The most recent {@code limit} requests of {@code scenarioId} (all scenarios if null), oldest first. */
    public List<RecordedRequest> recent(String scenarioId, int limit) {
        List<RecordedRequest> all = snapshot();
        List<RecordedRequest> matching = new ArrayList<>(all.size());
        for (RecordedRequest request : all) {
            if (scenarioId == null || scenarioId.equals(request.scenarioId())) {
                matching.add(request);
            }
        }
        int from = Math.max(0, matching.size() - Math.max(0, limit));
        return matching.subList(from, matching.size());
    }

    public int count(String scenarioId) {
        return recent(scenarioId, Integer.MAX_VALUE).size();
    }

    /** Requests recorded since start, including those the ring has already dropped or that were cleared. */
    public synchronized long total() {
        return sequence;
    }

    /** Forgets every kept request; returns how many there were. */
    public synchronized int clear() {
        int cleared = size;
        Arrays.fill(ring, null);
        next = 0;
        size = 0;
        return cleared;
    }

    private synchronized List<RecordedRequest> snapshot() {
        List<RecordedRequest> out = new ArrayList<>(size);
        int start = (next - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            out.add(ring[(start + i) % ring.length]);
        }
        return out;
    }
}
