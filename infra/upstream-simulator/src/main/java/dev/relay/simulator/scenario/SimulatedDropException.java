package dev.relay.simulator.scenario;

/**
 * Ends a response body with an error on purpose: Reactor Netty then closes the connection without the terminating
 * chunk, so the client sees a premature close (the {@code drop-after} behaviour).
 */
public final class SimulatedDropException extends RuntimeException {

    public SimulatedDropException(int eventsSent) {
        super("simulated connection drop after " + eventsSent + " event(s)", null, false, false);
    }
}
