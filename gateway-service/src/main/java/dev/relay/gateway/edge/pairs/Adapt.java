package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.ChunkTransform;
import dev.relay.gateway.translate.ImageFallback;
import dev.relay.gateway.translate.StreamTranslator;
import dev.relay.gateway.translate.ToolEmulation;
import dev.relay.gateway.wire.JsonScan;
import java.util.ArrayList;
import java.util.List;

/** The channel adaptations every pair applies the same way: image fallback, tool emulation, the public model name. */
final class Adapt {

    private Adapt() {}

    /** A chat body for an OpenAI channel: images degraded and tools emulated where the channel needs it. */
    static Emulated openAi(ChannelRoute ch, byte[] chatBody) {
        byte[] b = ch.capabilities().degradesImages() ? ImageFallback.chat(chatBody) : chatBody;
        if (ch.capabilities().emulatesTools()) {
            ToolEmulation.Plan plan = ToolEmulation.prepare(b);
            if (plan.active()) {
                return new Emulated(plan.body(), plan);
            }
        }
        return new Emulated(b, null);
    }

    /** A Messages body for an Anthropic channel. */
    static byte[] anthropic(ChannelRoute ch, byte[] messagesBody) {
        return ch.capabilities().degradesImages() ? ImageFallback.messages(messagesBody) : messagesBody;
    }

    /** A chat body as sent, and the tool emulation plan applied to it (null when none). */
    record Emulated(byte[] body, ToolEmulation.Plan plan) {
        byte[] response(byte[] upstream) {
            return plan == null ? upstream : plan.response(upstream);
        }

        StreamTranslator stream(StreamTranslator st) {
            return plan == null ? st : new PreTransformed(plan.stream(), st);
        }
    }

    /** The upstream's {@code model} replaced by the public name (byte-level, nothing else touched). */
    static byte[] renameModel(byte[] body, String upstreamModel, String publicModel) {
        if (upstreamModel.equals(publicModel)) {
            return body;
        }
        int[] at = JsonScan.topLevelString(body, 0, body.length, "model");
        if (at == null) {
            return body;
        }
        byte[] q = JsonScan.quoted(publicModel);
        byte[] out = new byte[body.length - (at[1] - at[0]) + q.length];
        System.arraycopy(body, 0, out, 0, at[0]);
        System.arraycopy(q, 0, out, at[0], q.length);
        System.arraycopy(body, at[1], out, at[0] + q.length, body.length - at[1]);
        return out;
    }

    /** A chunk transform (tool emulation) in front of a stream translation. */
    static final class PreTransformed implements StreamTranslator {
        private final ChunkTransform pre;
        private final StreamTranslator st;

        PreTransformed(ChunkTransform pre, StreamTranslator st) {
            this.pre = pre;
            this.st = st;
        }

        @Override
        public List<byte[]> accept(byte[] upstreamChunk) {
            return feed(pre.accept(upstreamChunk));
        }

        @Override
        public List<byte[]> finish() {
            List<byte[]> out = new ArrayList<>(feed(pre.finish()));
            out.addAll(st.finish());
            return out;
        }

        @Override
        public List<byte[]> fail(String message, String code) {
            return st.fail(message, code);
        }

        @Override
        public boolean completed() {
            return st.completed();
        }

        @Override
        public boolean erroredInBand() {
            return st.erroredInBand();
        }

        @Override
        public dev.relay.contracts.UsageRecorded.TokenUsage usage() {
            return st.usage();
        }

        @Override
        public String deliveredText() {
            return st.deliveredText();
        }

        private List<byte[]> feed(List<byte[]> events) {
            if (events.isEmpty()) {
                return List.of();
            }
            List<byte[]> out = new ArrayList<>();
            for (byte[] e : events) {
                out.addAll(st.accept(e));
            }
            return out;
        }
    }
}
