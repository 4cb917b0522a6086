package dev.relay.testsupport;

/**
 * The upstream simulator ({@code infra/upstream-simulator}) as a real separate process on a free loopback port, for
 * tests that need a provider to talk to: a {@link ServiceProcess} of the simulator's jar, started with the JVM running
 * the tests and stopped by {@link #close()} (and by a shutdown hook, so a crashed test run leaves no process behind).
 */
public final class UpstreamSimulatorProcess implements AutoCloseable {

    private final ServiceProcess process;

    private UpstreamSimulatorProcess(ServiceProcess process) {
        this.process = process;
    }

    /** Starts a simulator with extra {@code --key=value} arguments and waits until it is healthy. */
    public static UpstreamSimulatorProcess start(String... args) {
        return new UpstreamSimulatorProcess(ServiceProcess.simulator(args).start());
    }

    public int port() {
        return process.port();
    }

    /** Base URL without the API version, e.g. {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return process.baseUrl();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.close();
    }
}
