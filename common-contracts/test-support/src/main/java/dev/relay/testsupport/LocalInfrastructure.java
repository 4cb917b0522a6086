package dev.relay.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The processes {@code infra/relay} runs on loopback (the CI path on machines without a Docker engine). */
final class LocalInfrastructure extends RelayInfrastructure {

    private final String jdbcUrl = System.getProperty("it.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/relay");
    private final String kafka = System.getProperty("it.kafka.bootstrap", "127.0.0.1:9092");
    private final String connect = System.getProperty("it.connect.url", "http://127.0.0.1:8083");
    private final String adminUser = System.getProperty("it.pg.admin.user", "postgres");
    private final String adminPassword = System.getProperty("it.pg.admin.password", "");

    @Override
    protected void start() {
        verifyReachable();
    }

    @Override
    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public String adminUser() {
        return adminUser;
    }

    @Override
    public String adminPassword() {
        return adminPassword;
    }

    @Override
    public String kafkaBootstrap() {
        return kafka;
    }

    @Override
    public String connectUrl() {
        return connect;
    }

    /** Kills the worker by its PID file and starts it again through the launcher, as an operator would. */
    @Override
    public void restartConnect() {
        Path home = relayHome();
        try {
            Process p = new ProcessBuilder(home.resolve("infra/relay").toString(), "restart", "connect")
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(
                            home.resolve("infra/.run/restart-connect.log").toFile())
                    .start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("infra/relay restart connect did not finish in 180 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        "infra/relay restart connect failed; see infra/.run/restart-connect.log");
            }
        } catch (IOException ex) {
            throw new IllegalStateException("cannot run infra/relay", ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        awaitConnectorRunning("relay-outbox", Duration.ofSeconds(120));
    }
}
