package dev.relay.simulator.content;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/** Deterministic unit-length embedding vectors seeded by a hash of the input text. */
public final class Embeddings {

    private Embeddings() {}

    public static float[] vector(String input, int dimension) {
        float[] out = new float[dimension];
        long seed = Hashing.fnv64(input);
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            seed = Hashing.mix(seed);
            double value = ((seed >>> 11) * 0x1.0p-53) * 2 - 1;
            out[i] = (float) value;
            norm += value * value;
        }
        double scale = norm == 0 ? 1 : 1 / Math.sqrt(norm);
        for (int i = 0; i < dimension; i++) {
            out[i] = (float) (out[i] * scale);
        }
        return out;
    }

    /** Appends the vector as a JSON array of numbers. */
    public static void appendJson(StringBuilder out, float[] vector) {
        out.append('[');
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(vector[i]);
        }
        out.append(']');
    }

    /** The vector as OpenAI's {@code encoding_format: base64}: little-endian float32, base64. */
    public static String base64(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            buffer.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }
}
