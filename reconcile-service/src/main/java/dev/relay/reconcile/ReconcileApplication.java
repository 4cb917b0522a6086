package dev.relay.reconcile;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Compares the ledger with the live edge: drift detection, repair, and rollback of runs by recorded resources. */
@SpringBootApplication
public class ReconcileApplication {

    public static void main(String[] args) {
        SpringApplication.run(ReconcileApplication.class, args);
    }
}
