package dev.relay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GatewayConfigConfigurationTests {

    @Test
    void refusesToStartWithoutAMasterKeyAndSaysHowToMakeOne() {
        assertThatThrownBy(() -> GatewayConfigConfiguration.masterKey("k1", ""))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RELAY_MASTER_KEY")
                .hasMessageContaining("openssl rand -base64 32");
    }

    @Test
    void refusesAMasterKeyThatIsNot32Bytes() {
        assertThatThrownBy(() -> GatewayConfigConfiguration.masterKey("k1", "c2hvcnQ="))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> GatewayConfigConfiguration.masterKey("k1", "not base64 at all!"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RELAY_MASTER_KEY");
    }

    @Test
    void acceptsABase64Of32Bytes() {
        assertThat(GatewayConfigConfiguration.masterKey("k7", "cmVsYXktZGV2LW1hc3Rlci1rZXktTk9ULVNFQ1JFVCE=")
                        .keyId())
                .isEqualTo("k7");
    }

    @Test
    void propertiesNeverPrintTheTokenOrTheKey() {
        GatewayConfigProperties p = new GatewayConfigProperties("tok-123", "a2V5", null, null, null, null, null);
        assertThat(p.toString()).doesNotContain("tok-123").doesNotContain("a2V5");
        assertThat(p.masterKeyId()).isEqualTo("k1");
        assertThat(p.configPollInterval()).hasSeconds(5);
    }
}
