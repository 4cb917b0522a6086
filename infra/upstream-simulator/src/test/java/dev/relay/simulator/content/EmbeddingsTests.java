package dev.relay.simulator.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EmbeddingsTests {

    @Test
    void vectorsAreDeterministicUnitLengthAndInputDependent() {
        float[] a = Embeddings.vector("hello", 8);

        assertThat(Embeddings.vector("hello", 8)).containsExactly(a);
        assertThat(Embeddings.vector("world", 8)).isNotEqualTo(a);
        double norm = 0;
        for (float v : a) {
            norm += v * v;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void base64IsLittleEndianFloat32() {
        float[] vector = Embeddings.vector("x", 4);

        ByteBuffer decoded = ByteBuffer.wrap(Base64.getDecoder().decode(Embeddings.base64(vector)))
                .order(ByteOrder.LITTLE_ENDIAN);

        for (float v : vector) {
            assertThat(decoded.getFloat()).isEqualTo(v);
        }
    }

    @Test
    void jsonTextEscapesControlCharacters() {
        assertThat(JsonText.quote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
        assertThat(JsonText.quote(null)).isEqualTo("null");
    }
}
