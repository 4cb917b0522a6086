package dev.relay.simulator;

import org.junit.jupiter.api.Test;

class HealthTests extends SimulatorHttpSupport {

    @Test
    void actuatorHealthIsUp() {
        client.get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
    }

    @Test
    void simulatorPathsNeedNoKey() {
        client.get().uri("/_sim/requests/count").exchange().expectStatus().isOk();
    }
}
