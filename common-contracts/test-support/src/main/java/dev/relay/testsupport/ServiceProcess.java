package dev.relay.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Any Relay service as a real separate process on a free loopback port, started from its module's built jar with the
 * JVM running the tests, so a test can {@link #kill9() kill -9} it and {@link #start() start} it again. Stopped by
 * {@link #close()} (and a shutdown hook, so a crashed test run leaves no process behind). Its log is kept in a
 * temporary file ({@link #log()}).
 */
public final class ServiceProcess implements AutoCloseable {

    private final String module;
    private final String moduleDir;
    private final String jarPattern;
    private final String healthPath;
    private final String maxHeap;
    private final int port;
    private final Map<String, String> env;
    private final List<String> args;
    private final Path log;
    private Process process;

    private ServiceProcess(
            String module,
            String moduleDir,
            String jarPattern,
            String healthPath,
            String maxHeap,
            Map<String, String> env,
            List<String> args) {
        this.module = module;
        this.moduleDir = moduleDir;
        this.jarPattern = jarPattern;
        this.healthPath = healthPath;
        this.maxHeap = maxHeap;
        this.port = freePort();
        this.env = new LinkedHashMap<>(env);
        this.args = List.copyOf(args);
        try {
            this.log = Files.createTempFile(module + "-", ".log");
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * A service of module {@code module} (e.g. {@code probe-service}) with environment variables and {@code
     * --key=value} arguments; not started yet.
     */
    public static ServiceProcess of(String module, Map<String, String> env, String... args) {
        return new ServiceProcess(
                module,
                module,
                module + "-.*-SNAPSHOT\\.jar",
                "/actuator/health/readiness",
                "-Xmx384m",
                env,
                List.of(args));
    }

    /** The upstream simulator ({@code infra/upstream-simulator}); see {@link UpstreamSimulatorProcess}. */
    static ServiceProcess simulator(String... args) {
        return new ServiceProcess(
                "upstream-simulator",
                "infra/upstream-simulator",
                "relay-upstream-simulator-.*\\.jar",
                "/actuator/health",
                "-Xmx256m",
                Map.of(),
                List.of(args));
    }

    /** Starts (or starts again) the process and waits until its readiness probe answers UP. */
    public ServiceProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(module + " is already running");
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                maxHeap,
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar().toString(),
                "--server.port=" + port,
                "--server.address=127.0.0.1"));
        cmd.addAll(args);
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            process = pb.start();
            Process p = process;
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            awaitReady(Duration.ofSeconds(120));
            return this;
        } catch (IOException ex) {
            throw new IllegalStateException("cannot start " + module, ex);
        }
    }

    /** {@code kill -9}: no shutdown hook, no graceful stop, whatever was in flight is lost. */
    public void kill9() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited; log: " + tail());
            }
            try {
                if (RelayInfrastructure.http(
                                        HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                                                .GET()
                                                .build())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (RuntimeException ignored) {
                // not listening yet
            }
            RelayInfrastructure.pause(200);
        }
        close();
        throw new IllegalStateException(module + " not ready after " + timeout + "; log: " + tail());
    }

    /** The last lines of the log, for a failure message. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException ex) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private Path jar() {
        Path target = RelayInfrastructure.relayHome().resolve(moduleDir).resolve("target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(f -> f.getFileName().toString().matches(jarPattern))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + module + " jar in " + target
                            + "; the reactor builds it before this module's tests"));
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
