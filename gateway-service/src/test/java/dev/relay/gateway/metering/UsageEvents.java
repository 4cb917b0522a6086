package dev.relay.gateway.metering;

import dev.relay.contracts.UsageRecorded;
import dev.relay.contracts.UsageRecorded.Outcome;
import dev.relay.contracts.UsageRecorded.TokenUsage;
import java.time.Instant;
import java.util.List;

/** Usage event fixtures. */
final class UsageEvents {

    private UsageEvents() {}

    /** A streamed chat completion that went well on its first channel. */
    static UsageRecorded completedStream(String requestId) {
        return new UsageRecorded(
                requestId,
                "gw-test",
                UsageRecorded.Purpose.CLIENT,
                "ck_metering",
                "grp_metering",
                "openai.chat-completions",
                "deepseek-chat",
                "deepseek-chat-v3",
                "ch_deepseek_1",
                List.of("ch_deepseek_1"),
                true,
                new TokenUsage(1200, 345, 64, 0, false),
                200,
                Outcome.OK,
                2350,
                410L,
                1,
                Instant.parse("2026-01-15T10:15:30.123456Z"));
    }
}
