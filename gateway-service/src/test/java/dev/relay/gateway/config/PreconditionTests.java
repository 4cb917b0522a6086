package dev.relay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PreconditionTests {

    @Test
    void noIfMatchHeaderMatchesEveryVersion() {
        assertThat(Precondition.fromIfMatch(null).matches(7)).isTrue();
        assertThat(Precondition.fromIfMatch("  ").matches(7)).isTrue();
    }

    @Test
    void starMatchesEveryVersion() {
        assertThat(Precondition.fromIfMatch("*").matches(42)).isTrue();
    }

    @Test
    void quotedVersionMatchesOnlyThatVersion() {
        Precondition p = Precondition.fromIfMatch("\"3\"");
        assertThat(p.matches(3)).isTrue();
        assertThat(p.matches(4)).isFalse();
    }

    @Test
    void weakAndUnquotedTagsAndListsAreUnderstood() {
        assertThat(Precondition.fromIfMatch("W/\"5\"").matches(5)).isTrue();
        assertThat(Precondition.fromIfMatch("6").matches(6)).isTrue();
        Precondition list = Precondition.fromIfMatch("\"1\", \"2\"");
        assertThat(list.matches(1)).isTrue();
        assertThat(list.matches(2)).isTrue();
        assertThat(list.matches(3)).isFalse();
    }

    @Test
    void aTagTheGatewayNeverIssuedMatchesNothing() {
        assertThat(Precondition.fromIfMatch("\"abc\"").matches(1)).isFalse();
    }

    @Test
    void etagIsTheQuotedRowVersion() {
        assertThat(Precondition.etag(12)).isEqualTo("\"12\"");
        assertThat(Precondition.fromIfMatch(Precondition.etag(12)).matches(12)).isTrue();
    }
}
