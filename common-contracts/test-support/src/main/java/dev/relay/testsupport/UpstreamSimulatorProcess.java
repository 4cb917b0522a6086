package dev.relay.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The upstream simulator ({@code infra/upstream-simulator}) as a real separate process on a free loopback port, for
 * tests that need a provider to talk to. Started from the module's built jar with the JVM running the tests; stopped
 * by {@link #close()} (and by a shutdown hook, so a crashed test run leaves no process behind).
 */
public final class UpstreamSimulatorProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private UpstreamSimulatorProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a simulator with extra {@code --key=value} arguments and waits until it is healthy. */
    public static UpstreamSimulatorProcess start(String... args) {
        Path jar = jar();
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "--server.port=" + port,
                "--server.address=127.0.0.1"));
        cmd.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("upstream-simulator-" + port + "-", ".log");
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            UpstreamSimulatorProcess sim = new UpstreamSimulatorProcess(p, port, log);
            sim.awaitHealthy(Duration.ofSeconds(90));
            return sim;
        } catch (IOException ex) {
            throw new IllegalStateException("cannot start the upstream simulator", ex);
        }
    }

    public int port() {
        return port;
    }

    /** Base URL without the API version, e.g. {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("upstream simulator exited; log: " + tail());
            }
            try {
                if (RelayInfrastructure.http(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                                        .GET()
                                        .build())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (RuntimeException ignored) {
                // not listening yet
            }
            RelayInfrastructure.pause(100);
        }
        close();
        throw new IllegalStateException("upstream simulator not healthy after " + timeout + "; log: " + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException ex) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static Path jar() {
        Path target = RelayInfrastructure.relayHome().resolve("infra/upstream-simulator/target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(f -> f.getFileName().toString().matches("relay-upstream-simulator-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no simulator jar in " + target
                            + "; build it first (the reactor builds it before the services)"));
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
