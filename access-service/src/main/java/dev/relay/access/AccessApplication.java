package dev.relay.access;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Provisions probed items into the edge, keeps the managed-resource ledger and runs the durable confirmation window. */
@SpringBootApplication
public class AccessApplication {

    public static void main(String[] args) {
        SpringApplication.run(AccessApplication.class, args);
    }
}
