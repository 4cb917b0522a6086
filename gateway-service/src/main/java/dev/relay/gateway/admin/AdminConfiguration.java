package dev.relay.gateway.admin;

import dev.relay.gateway.config.GatewayConfigProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The admin API's filter and error rendering. */
@Configuration(proxyBeanMethods = false)
public class AdminConfiguration {

    @Bean
    AdminAuthWebFilter adminAuthWebFilter(GatewayConfigProperties properties) {
        return new AdminAuthWebFilter(new AdminAuthenticator(properties.adminToken()));
    }

    @Bean
    AdminErrorHandler adminErrorHandler() {
        return new AdminErrorHandler();
    }
}
