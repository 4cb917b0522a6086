package dev.relay.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.UsageRecorded.Purpose;
import org.junit.jupiter.api.Test;

class RequestPurposeTests {

    private final RequestPurpose purposes = new RequestPurpose("adm-secret");

    @Test
    void honoursAConfirmationOrVerificationClaimOnlyWithTheAdminToken() {
        assertThat(purposes.of("confirmation", "adm-secret")).isEqualTo(Purpose.CONFIRMATION);
        assertThat(purposes.of(" Verification ", "adm-secret")).isEqualTo(Purpose.VERIFICATION);
        assertThat(purposes.of("confirmation", "adm-guess")).isEqualTo(Purpose.CLIENT);
        assertThat(purposes.of("confirmation", null)).isEqualTo(Purpose.CLIENT);
        assertThat(purposes.of(null, "adm-secret")).isEqualTo(Purpose.CLIENT);
        assertThat(purposes.of("free-lunch", "adm-secret")).isEqualTo(Purpose.CLIENT);
    }

    @Test
    void letsNothingClaimAPurposeWhenNoAdminTokenIsConfigured() {
        assertThat(new RequestPurpose(null).of("confirmation", "")).isEqualTo(Purpose.CLIENT);
        assertThat(new RequestPurpose(" ").of("confirmation", " ")).isEqualTo(Purpose.CLIENT);
    }

    @Test
    void pinsAChannelOnlyForARequestCarryingTheAdminToken() {
        assertThat(purposes.pinnedChannel("ch_1", "adm-secret")).isEqualTo("ch_1");
        assertThat(purposes.pinnedChannel(" ch_1 ", " adm-secret ")).isEqualTo("ch_1");
        assertThat(purposes.pinnedChannel("ch_1", "adm-guess")).isNull();
        assertThat(purposes.pinnedChannel("ch_1", null)).isNull();
        assertThat(purposes.pinnedChannel(null, "adm-secret")).isNull();
        assertThat(purposes.pinnedChannel(" ", "adm-secret")).isNull();
        assertThat(new RequestPurpose(null).pinnedChannel("ch_1", "")).isNull();
    }

    @Test
    void metersAPinnedRequestAsAConfirmationUnlessItSaysVerificationNeverAsAClient() {
        assertThat(purposes.ofPinned(null)).isEqualTo(Purpose.CONFIRMATION);
        assertThat(purposes.ofPinned("client")).isEqualTo(Purpose.CONFIRMATION);
        assertThat(purposes.ofPinned("confirmation")).isEqualTo(Purpose.CONFIRMATION);
        assertThat(purposes.ofPinned(" VERIFICATION ")).isEqualTo(Purpose.VERIFICATION);
    }
}
