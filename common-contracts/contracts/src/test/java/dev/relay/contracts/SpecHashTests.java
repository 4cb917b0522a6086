package dev.relay.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpecHashTests {

    static final String CHANNEL = """
            {"id":"ch_1","name":"deepseek #7","protocol":"OPENAI","baseUrl":"https://api.deepseek.com",
             "apiBase":"https://api.deepseek.com/v1","credentialFingerprint":"sk-…1a2b3c4d","models":["deepseek-chat"],
             "modelMapping":{},"groups":["grp_1"],"priority":0,"weight":1,"extraHeaders":{},
             "capabilities":{"chat":true,"vision":false},"status":"ENABLED","statusReason":null,
             "managedBy":"access-service","externalRef":"run-1/item-7/channel","version":3,
             "createdAt":"2026-11-01T00:00:00Z","updatedAt":"2026-11-02T00:00:00Z"}
            """;

    @Test
    void ignoresKeyOrderWhitespaceIdentityTimestampsAndRuntimeStatus() {
        String reordered = """
                {"status":"AUTO_DISABLED","statusReason":"insufficient_quota","version":9,"id":"ch_99",
                 "updatedAt":"2026-12-01T00:00:00Z","externalRef":"run-1/item-7/channel","managedBy":"access-service",
                 "capabilities":{"vision":false,"chat":true},"extraHeaders":{},"weight":1,"priority":0,
                 "groups":["grp_1"],"modelMapping":{},"models":["deepseek-chat"],"credentialFingerprint":"sk-…1a2b3c4d",
                 "apiBase":"https://elsewhere/v1","baseUrl":"https://api.deepseek.com","protocol":"OPENAI",
                 "name":"deepseek #7","createdAt":"2020-01-01T00:00:00Z"}
                """;
        assertThat(SpecHash.of(reordered)).isEqualTo(SpecHash.of(CHANNEL)).hasSize(64);
    }

    @Test
    void changesWhenTheSpecOrTheCredentialChanges() {
        String base = SpecHash.of(CHANNEL);
        assertThat(SpecHash.of(CHANNEL.replace("\"priority\":0", "\"priority\":5")))
                .isNotEqualTo(base);
        assertThat(SpecHash.of(CHANNEL.replace("sk-…1a2b3c4d", "sk-…99999999"))).isNotEqualTo(base);
        assertThat(SpecHash.of(CHANNEL.replace("[\"grp_1\"]", "[\"grp_1\",\"grp_2\"]")))
                .isNotEqualTo(base);
        assertThat(SpecHash.of(CHANNEL.replace("\"vision\":false", "\"vision\":true")))
                .isNotEqualTo(base);
    }
}
