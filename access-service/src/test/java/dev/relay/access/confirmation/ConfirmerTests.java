package dev.relay.access.confirmation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.ProbeCall;
import org.junit.jupiter.api.Test;

class ConfirmerTests {

    static Calls.Answer answer(Integer status, String code) {
        return new Calls.Answer(
                new ProbeCall("POST", "/v1/chat/completions", status, 1, ""), status, code, null, null, null);
    }

    @Test
    void warmUpRacesAreTheEdgesAnswersRightAfterProvisioning() {
        assertThat(Confirmer.warmUp(answer(401, "invalid_api_key"))).isTrue();
        assertThat(Confirmer.warmUp(answer(403, "model_not_allowed"))).isTrue();
        assertThat(Confirmer.warmUp(answer(404, "model_not_found"))).isTrue();
        assertThat(Confirmer.warmUp(answer(404, "channel_not_found"))).isTrue();
        assertThat(Confirmer.warmUp(answer(503, "no_available_channel"))).isTrue();
    }

    @Test
    void otherAnswersAreNotRaces() {
        assertThat(Confirmer.warmUp(answer(429, "insufficient_quota"))).isFalse();
        assertThat(Confirmer.warmUp(answer(404, "not_found"))).isFalse();
        assertThat(Confirmer.warmUp(answer(502, "upstream_error"))).isFalse();
        assertThat(Confirmer.warmUp(answer(null, null))).isFalse();
    }

    @Test
    void theTimerPayloadCountsHardFailuresInARow() {
        assertThat(Confirmer.hardFailuresBefore(null)).isZero();
        assertThat(Confirmer.hardFailuresBefore("warm-up")).isZero();
        assertThat(Confirmer.hardFailuresBefore("hard:2")).isEqualTo(2);
        assertThat(Confirmer.hardFailuresBefore("hard:x")).isZero();
    }
}
