package dev.relay.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Immutable fixtures: one realistic instance of every event type. */
final class Events {
    static final UUID RUN = UUID.fromString("6f1c1c2e-0000-4000-8000-000000000001");
    static final UUID ITEM = UUID.fromString("6f1c1c2e-0000-4000-8000-000000000002");
    static final Instant AT = Instant.parse("2026-11-22T08:00:00.123456Z");

    static ProbeResult deepSeekProbe() {
        return new ProbeResult(
                "https://api.deepseek.example/v1",
                Protocol.OPENAI,
                "deepseek",
                List.of("deepseek-chat", "deepseek-reasoner"),
                "deepseek-chat",
                Map.of("DeepSeek-V3", "deepseek-chat"),
                new CapabilityProfile(true, true, false, false, false),
                412);
    }

    static List<ManagedResource> resources() {
        return List.of(
                new ManagedResource(ManagedResource.ResourceKind.CHANNEL, "ch_1", "item:" + ITEM),
                new ManagedResource(ManagedResource.ResourceKind.CLIENT_KEY, "key_1", "item:" + ITEM));
    }

    static List<RelayEvent> oneOfEach() {
        return List.of(
                new ItemSubmitted(
                        RUN,
                        ITEM,
                        1,
                        "https://api.deepseek.example",
                        new SealedSecret("k1", "bm9uY2UxMjM0NTY3ODkwY2lwaGVy", "sk-…a1b2"),
                        "deepseek",
                        null,
                        AT),
                new ItemProbed(RUN, ITEM, 1, deepSeekProbe(), AT),
                new ItemProbeFailed(
                        RUN, ITEM, 2, FailureClass.RATE_LIMITED, "429 retry-after 3", 429, AT.plusSeconds(3), AT),
                new ItemProvisioned(RUN, ITEM, 1, "ch_1", "grp_1", "key_1", "deepseek-chat", resources(), AT),
                new ItemProvisionFailed(RUN, ITEM, 1, FailureClass.INTERNAL, "edge 503", null, AT),
                new ItemConfirmed(RUN, ITEM, 1, "deepseek-chat", 12, 230, AT),
                new ItemConfirmationFailed(RUN, ITEM, 3, FailureClass.HOST_COMPATIBILITY_GAP, "edge 502", 502, AT),
                new ItemRolledBack(RUN, ITEM, resources(), "operator rollback", AT),
                new RunCompleted(RUN, 10, 7, 2, 1, 0, AT),
                new DriftDetected(
                        UUID.randomUUID(),
                        RUN,
                        resources().getFirst(),
                        DriftDetected.DriftKind.MODIFIED,
                        "baseUrl differs",
                        true,
                        AT),
                new ReconcileCompleted(UUID.randomUUID(), 40, 1, 1, AT.minusSeconds(2), AT),
                new GatewayConfigChanged(42, "channel", "ch_1", GatewayConfigChanged.ChangeKind.UPDATED, AT),
                new ChannelCooledDown(
                        "ch_1", ChannelCooledDown.CooldownCause.RATE_LIMITED, AT.plusSeconds(20), 1, "gw-a", AT),
                new ChannelAutoDisabled("ch_1", FailureClass.QUOTA_EXHAUSTED, "insufficient_quota", "gw-a", AT),
                new UsageRecorded(
                        "req_1",
                        "key_1",
                        "grp_1",
                        "openai.chat",
                        "gpt-4o",
                        "deepseek-chat",
                        "ch_2",
                        List.of("ch_1", "ch_2"),
                        true,
                        new UsageRecorded.TokenUsage(120, 40, 0, 0, false),
                        200,
                        UsageRecorded.Outcome.OK,
                        830,
                        95L,
                        2,
                        AT));
    }

    private Events() {}
}
