package dev.relay.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClientKeyEntryTests {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void anExhaustedKeyAuthenticatesButIsRefusedUntilItsResetTime() {
        ClientKeyEntry untilTomorrow = exhausted(NOW.plusSeconds(86_400));
        assertThat(untilTomorrow.authenticatesAt(NOW)).isTrue();
        assertThat(untilTomorrow.exhaustedAt(NOW)).isTrue();
        assertThat(untilTomorrow.usableAt(NOW)).isFalse();

        // the reset time passed: the key works again before accounting restores it
        assertThat(untilTomorrow.exhaustedAt(NOW.plusSeconds(86_400))).isFalse();
        assertThat(untilTomorrow.usableAt(NOW.plusSeconds(86_400))).isTrue();
    }

    @Test
    void anExhaustedKeyWithoutAResetTimeStaysRefusedUntilRestored() {
        ClientKeyEntry topUp = exhausted(null);
        assertThat(topUp.exhaustedAt(NOW.plusSeconds(365L * 86_400))).isTrue();
        assertThat(topUp.usableAt(NOW)).isFalse();
    }

    @Test
    void aDisabledOrExpiredKeyDoesNotAuthenticate() {
        assertThat(new ClientKeyEntry("key_1", "k", "grp_1", false, null, null).authenticatesAt(NOW))
                .isFalse();
        ClientKeyEntry expired = new ClientKeyEntry(
                "key_1", "k", "grp_1", false, NOW, null, new ClientKeyEntry.Exhaustion("budget", null));
        assertThat(expired.authenticatesAt(NOW)).isFalse();
        assertThat(new ClientKeyEntry("key_1", "k", "grp_1", true, null, null).usableAt(NOW))
                .isTrue();
    }

    private static ClientKeyEntry exhausted(Instant until) {
        return new ClientKeyEntry(
                "key_1", "k", "grp_1", false, null, null, new ClientKeyEntry.Exhaustion("monthly budget", until));
    }
}
