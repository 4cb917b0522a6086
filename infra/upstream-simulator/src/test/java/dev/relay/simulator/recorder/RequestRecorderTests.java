package dev.relay.simulator.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.simulator.SimulatorProperties;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestRecorderTests {

    private final RequestRecorder recorder =
            new RequestRecorder(new SimulatorProperties(List.of("m"), List.of(), 3, 5, 0, 1000, 0, 8, 1024));

    @Test
    void keepsTheNewestRequestsOldestFirst() {
        for (int i = 1; i <= 5; i++) {
            record(i % 2 == 0 ? "even" : "odd");
        }

        assertThat(recorder.recent(null, 10))
                .extracting(RecordedRequest::sequence)
                .containsExactly(3L, 4L, 5L);
        assertThat(recorder.recent(null, 2))
                .extracting(RecordedRequest::sequence)
                .containsExactly(4L, 5L);
        assertThat(recorder.recent("odd", 10))
                .extracting(RecordedRequest::sequence)
                .containsExactly(3L, 5L);
        assertThat(recorder.count("even")).isEqualTo(1);
        assertThat(recorder.total()).isEqualTo(5);
    }

    @Test
    void clearForgetsEverythingButTheSequence() {
        record("a");
        record("a");

        assertThat(recorder.clear()).isEqualTo(2);
        assertThat(recorder.count(null)).isZero();
        assertThat(record("a").sequence()).isEqualTo(3);
    }

    @Test
    void theFirstOutcomeWins() {
        RecordedRequest request = record("a");

        request.cancelled();
        request.completed();

        assertThat(request.view().outcome()).isEqualTo("cancelled");
        assertThat(request.view().cancelled()).isTrue();
    }

    private RecordedRequest record(String scenario) {
        return recorder.record(
                "POST", "/v1/x", null, Map.of("x-sim-scenario-id", List.of(scenario)), new byte[0], scenario);
    }
}
