package dev.relay.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Edge gateway: OpenAI- and Anthropic-compatible client APIs, routing to upstream channels, resilience, metering, and the host admin API. */
@SpringBootApplication
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
