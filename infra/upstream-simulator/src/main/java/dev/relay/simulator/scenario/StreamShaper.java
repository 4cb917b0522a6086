package dev.relay.simulator.scenario;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import reactor.core.publisher.Flux;

/** Turns the events of a streamed reply into the flux the scenario asks for: paced, dropped, stalled or errored. */
public final class StreamShaper {

    private static final byte[] NOTHING = new byte[0];

    private StreamShaper() {}

    /**
     * @param events the complete, well-formed stream (each element one SSE event)
     * @param scenario pacing and fault
     * @param faultEvent the in-band error event of {@link Behavior#STREAM_ERROR}
     */
    public static Flux<byte[]> shape(List<byte[]> events, Scenario scenario, byte[] faultEvent) {
        Behavior behavior = scenario.behavior();
        boolean faulting =
                behavior == Behavior.DROP_AFTER || behavior == Behavior.STALL || behavior == Behavior.STREAM_ERROR;
        List<byte[]> head =
                faulting ? events.subList(0, Math.min(scenario.eventsBeforeFault(), events.size())) : events;
        Flux<byte[]> flux = Flux.fromIterable(head);
        if (scenario.chunkDelayMs() > 0) {
            flux = flux.delayElements(Duration.ofMillis(scenario.chunkDelayMs()));
        }
        if (!faulting) {
            return flux;
        }
        if (head.isEmpty()) {
            // An empty first write commits the status line and headers before the fault.
            flux = Flux.just(NOTHING);
        }
        return switch (behavior) {
            case DROP_AFTER -> flux.concatWith(Flux.error(() -> new SimulatedDropException(head.size())));
            case STALL -> flux.concatWith(Flux.never());
            default -> flux.concatWith(Flux.just(faultEvent));
        };
    }

    /** A non-streamed body under a drop or stall: the first half, then the fault. Other behaviours: the body. */
    public static Flux<byte[]> shapeBody(byte[] body, Scenario scenario) {
        if (!scenario.is(Behavior.DROP_AFTER) && !scenario.is(Behavior.STALL)) {
            return Flux.just(body);
        }
        byte[] half = Arrays.copyOf(body, body.length / 2);
        Flux<byte[]> head = Flux.just(half);
        return scenario.is(Behavior.STALL)
                ? head.concatWith(Flux.never())
                : head.concatWith(Flux.error(() -> new SimulatedDropException(0)));
    }
}
