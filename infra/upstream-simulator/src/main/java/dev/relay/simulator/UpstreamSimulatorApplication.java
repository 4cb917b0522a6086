package dev.relay.simulator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Entry point of the upstream simulator. */
@SpringBootApplication
@EnableConfigurationProperties(SimulatorProperties.class)
public class UpstreamSimulatorApplication {

    public static void main(String[] args) {
        SpringApplication.run(UpstreamSimulatorApplication.class, args);
    }
}
