package dev.relay.gateway.wire;

import java.util.Arrays;

/**
 * Accumulates bytes of a Server-Sent Events stream and hands out complete events (up to and including the blank line
 * that ends them), keeping the remainder across chunks. Accepts LF and CRLF line endings.
 */
public final class SseBuffer {

    private static final byte[] NONE = new byte[0];
    private static final int MIN_CAPACITY = 512;

    // allocated by the first chunk and sized by it (an event is a few hundred bytes): an open stream that waits for its
    // next event holds half a kilobyte here, not the 4 KB that were allocated up front before (20 MB for 5,000 streams)
    private byte[] buf = NONE;
    private int start;
    private int end;
    private int scanFrom;

    public void append(byte[] chunk) {
        if (start == end) {
            start = end = scanFrom = 0;
        }
        if (end + chunk.length > buf.length) {
            int live = end - start;
            if (live + chunk.length <= buf.length / 2) {
                System.arraycopy(buf, start, buf, 0, live);
            } else {
                byte[] n = new byte[Math.max(MIN_CAPACITY, Math.max(buf.length * 2, live + chunk.length))];
                System.arraycopy(buf, start, n, 0, live);
                buf = n;
            }
            scanFrom -= start;
            start = 0;
            end = live;
        }
        System.arraycopy(chunk, 0, buf, end, chunk.length);
        end += chunk.length;
    }

    /** The next complete event including its terminating blank line, or null if none is complete yet. */
    public byte[] nextEvent() {
        for (int i = Math.max(scanFrom, start); i < end; i++) {
            if (buf[i] != '\n') {
                continue;
            }
            int terminatorEnd = -1;
            if (i + 1 < end && buf[i + 1] == '\n') {
                terminatorEnd = i + 2;
            } else if (i + 2 < end && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
                terminatorEnd = i + 3;
            }
            if (terminatorEnd > 0) {
                byte[] event = Arrays.copyOfRange(buf, start, terminatorEnd);
                start = terminatorEnd;
                scanFrom = start;
                return event;
            }
        }
        scanFrom = Math.max(start, end - 2);
        return null;
    }

    /** Appends a chunk and returns every event it completed, in order. */
    public java.util.List<byte[]> events(byte[] chunk) {
        append(chunk);
        java.util.List<byte[]> out = new java.util.ArrayList<>(2);
        byte[] event;
        while ((event = nextEvent()) != null) {
            out.add(event);
        }
        return out;
    }

    /**
     * The stream ended: what is left (an event the upstream did not terminate with a blank line), trimmed and
     * terminated as a complete event, or null when nothing but whitespace is left. Empties the buffer.
     */
    public byte[] remainder() {
        if (isEmpty()) {
            return null;
        }
        String rest = new String(drain(), java.nio.charset.StandardCharsets.UTF_8).strip();
        return rest.isEmpty() ? null : (rest + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Whatever is buffered and not yet a complete event. */
    public byte[] drain() {
        byte[] rest = Arrays.copyOfRange(buf, start, end);
        start = end = scanFrom = 0;
        return rest;
    }

    public boolean isEmpty() {
        return start == end;
    }

    /** The concatenated {@code data:} payload of an event, or null when it has none. */
    public static String data(byte[] event) {
        StringBuilder sb = null;
        int lineStart = 0;
        for (int i = 0; i <= event.length; i++) {
            if (i == event.length || event[i] == '\n') {
                int lineEnd = i > lineStart && event[i - 1] == '\r' ? i - 1 : i;
                if (lineEnd - lineStart >= 5
                        && event[lineStart] == 'd'
                        && event[lineStart + 1] == 'a'
                        && event[lineStart + 2] == 't'
                        && event[lineStart + 3] == 'a'
                        && event[lineStart + 4] == ':') {
                    int v = lineStart + 5;
                    if (v < lineEnd && event[v] == ' ') {
                        v++;
                    }
                    String piece = new String(event, v, lineEnd - v, java.nio.charset.StandardCharsets.UTF_8);
                    if (sb == null) {
                        sb = new StringBuilder(piece);
                    } else {
                        sb.append('\n').append(piece);
                    }
                }
                lineStart = i + 1;
            }
        }
        return sb == null ? null : sb.toString();
    }

    /** The {@code event:} name of an event, or null. */
    public static String eventName(byte[] event) {
        int lineStart = 0;
        for (int i = 0; i <= event.length; i++) {
            if (i == event.length || event[i] == '\n') {
                int lineEnd = i > lineStart && event[i - 1] == '\r' ? i - 1 : i;
                if (lineEnd - lineStart >= 6
                        && new String(event, lineStart, 6, java.nio.charset.StandardCharsets.US_ASCII)
                                .equals("event:")) {
                    return new String(
                                    event,
                                    lineStart + 6,
                                    lineEnd - lineStart - 6,
                                    java.nio.charset.StandardCharsets.UTF_8)
                            .trim();
                }
                lineStart = i + 1;
            }
        }
        return null;
    }
}
