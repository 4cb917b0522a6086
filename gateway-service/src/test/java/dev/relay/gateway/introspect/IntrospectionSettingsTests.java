package dev.relay.gateway.introspect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which setting names are secrets in {@code /internal/effective-config}. */
class IntrospectionSettingsTests {

    @Test
    void treatsCredentialsKeysAndJaasConfigsAsSecrets() {
        assertThat(IntrospectionController.secret("relay.gateway.admin-token")).isTrue();
        assertThat(IntrospectionController.secret("relay.gateway.master-key")).isTrue();
        assertThat(IntrospectionController.secret("spring.datasource.password")).isTrue();
        assertThat(IntrospectionController.secret("spring.kafka.properties.sasl.jaas.config"))
                .isTrue();
        assertThat(IntrospectionController.secret("spring.kafka.properties.basic.auth.user.info"))
                .isTrue();
        assertThat(IntrospectionController.secret("spring.kafka.ssl.key-store-password"))
                .isTrue();
    }

    @Test
    void showsOrdinarySettings() {
        assertThat(IntrospectionController.secret("relay.gateway.master-key-id"))
                .isFalse();
        assertThat(IntrospectionController.secret("relay.gateway.proxy.default-max-tokens"))
                .isFalse();
        assertThat(IntrospectionController.secret("relay.gateway.proxy.max-body-bytes"))
                .isFalse();
        assertThat(IntrospectionController.secret("spring.kafka.consumer.key-deserializer"))
                .isFalse();
        assertThat(IntrospectionController.secret("spring.kafka.producer.key-serializer"))
                .isFalse();
        assertThat(IntrospectionController.secret("spring.datasource.url")).isFalse();
    }
}
