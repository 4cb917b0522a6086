package dev.relay.simulator.content;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplyTextTests {

    @Test
    void isDeterministicAndNamesModelAndMessageHash() {
        ReplyText first = ReplyText.of("sim-gpt-4o", "Hello there", 5);
        ReplyText second = ReplyText.of("sim-gpt-4o", "Hello there", 5);

        assertThat(first).isEqualTo(second);
        assertThat(first.text())
                .isEqualTo("This is a simulated reply from sim-gpt-4o to message " + Hashing.hex8("Hello there") + ".");
        assertThat(ReplyText.of("sim-gpt-4o", "Something else", 5).text()).isNotEqualTo(first.text());
    }

    @Test
    void chunksConcatenateToTheTextAndTokensCountWords() {
        ReplyText reply = ReplyText.of("m", "hi", 5);

        assertThat(reply.chunks())
                .hasSize(5)
                .allSatisfy(chunk -> assertThat(chunk).isNotEmpty());
        assertThat(String.join("", reply.chunks())).isEqualTo(reply.text());
        assertThat(reply.tokens()).isEqualTo(Tokens.words(reply.text())).isEqualTo(10);
    }

    @Test
    void padsWithWordsWhenMoreChunksThanWordsAreAsked() {
        ReplyText reply = ReplyText.of("m", "hi", 25);

        assertThat(reply.chunks())
                .hasSize(25)
                .allSatisfy(chunk -> assertThat(chunk).isNotBlank());
        assertThat(reply.tokens()).isEqualTo(25).isEqualTo(Tokens.words(reply.text()));
        assertThat(String.join("", reply.chunks())).isEqualTo(reply.text());
    }

    @Test
    void oneChunkIsTheWholeText() {
        ReplyText reply = ReplyText.of("m", "hi", 1);

        assertThat(reply.chunks()).containsExactly(reply.text());
    }

    @Test
    void wordCountIgnoresRunsOfWhitespace() {
        assertThat(Tokens.words("  a  b\n\tc ")).isEqualTo(3);
        assertThat(Tokens.words("")).isZero();
        assertThat(Tokens.words(null)).isZero();
    }

    @Test
    void cutsBeforeTheEarliestStopSequenceThenHonoursMaxTokens() {
        ReplyText reply = ReplyText.of("m", "hi", 5);

        ReplyText.Limited stopped = reply.limit(100, java.util.List.of("to message", "reply"), 3);
        assertThat(stopped.reply().text()).isEqualTo("This is a simulated ");
        assertThat(stopped.stopReason()).isEqualTo("stop_sequence");
        assertThat(stopped.matchedStop()).isEqualTo("reply");
        assertThat(String.join("", stopped.reply().chunks()))
                .isEqualTo(stopped.reply().text());

        ReplyText.Limited cut = reply.limit(3, java.util.List.of("absent"), 2);
        assertThat(cut.reply().text()).isEqualTo("This is a");
        assertThat(cut.reply().tokens()).isEqualTo(3);
        assertThat(cut.stopReason()).isEqualTo("max_tokens");

        ReplyText.Limited untouched = reply.limit(100, java.util.List.of(), 5);
        assertThat(untouched.reply()).isEqualTo(reply);
        assertThat(untouched.stopReason()).isNull();
    }
}
