package dev.relay.gateway.translate;

import java.util.List;

/**
 * A same-protocol stream adaptation placed between the upstream and a {@link StreamTranslator} (e.g. tool emulation
 * turning an action block in streamed text back into streamed tool calls): raw SSE bytes in, complete SSE events of
 * the same protocol out, state carried across chunks. Pure.
 */
public interface ChunkTransform {

    /** Feeds raw upstream bytes; returns complete events to pass on, in order. */
    List<byte[]> accept(byte[] chunk);

    /** The upstream ended: whatever this transform still holds, as complete events. */
    List<byte[]> finish();
}
