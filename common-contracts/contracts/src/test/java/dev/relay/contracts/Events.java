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

    static final SealedSecret SEALED = new SealedSecret("k1", "bm9uY2UxMjM0NTY3ODkwY2lwaGVy", "sk-…a1b2");

    static ProbeResult deepSeekProbe() {
        return new ProbeResult(
                List.of(
                        new ApiBase(Protocol.OPENAI, "https://api.deepseek.example/v1"),
                        new ApiBase(Protocol.ANTHROPIC, "https://api.deepseek.example/anthropic/v1")),
                "deepseek",
                List.of(
                        new ModelEntry("deepseek-chat", "deepseek-chat", ModelEntry.ModelKind.CHAT, true),
                        new ModelEntry("deepseek-reasoner", "deepseek-reasoner", ModelEntry.ModelKind.CHAT, false)),
                List.of(new ModelCorrection("DeepSeek-V3", "deepseek-chat", "alias")),
                new CapabilityProfile(true, true, true, false, false, false, true, false),
                "deepseek-chat",
                List.of(new ProbeCall("GET", "/v1/models", 200, 35, "{\"object\":\"list\",\"data\":[…]}")),
                List.of(new Warning("WARMUP_403", "the model list names deepseek-chat but a completion got 403")),
                412,
                new ChannelDialect("thinking_type", "inline"));
    }

    static List<ManagedResource> resources() {
        return List.of(
                new ManagedResource("edge", ManagedResource.ResourceKind.CHANNEL, "ch_1", "item:" + ITEM, "9f86d08188"),
                new ManagedResource(
                        "edge", ManagedResource.ResourceKind.CLIENT_KEY, "key_1", "item:" + ITEM, "60303ae22b"));
    }

    static AccessOptions access() {
        return new AccessOptions(
                AccessMode.SUBSCRIPTION, "team-a", null, 1_000_000L, "month", AT.plusSeconds(86_400), SEALED);
    }

    static List<RelayEvent> oneOfEach() {
        UUID reconcile = UUID.fromString("6f1c1c2e-0000-4000-8000-000000000003");
        List<ProbeCall> evidence = deepSeekProbe().evidence();
        return List.of(
                new HostRegistered(
                        "edge", "local edge", "http://127.0.0.1:8080/admin/v1", SEALED, "http://127.0.0.1:8080", AT),
                new HostUpdated(
                        "edge", "local edge", "http://127.0.0.1:8080/admin/v1", SEALED, "http://edge.example", AT),
                new ItemSubmitted(
                        RUN,
                        ITEM,
                        0,
                        1,
                        "edge",
                        "https://api.deepseek.example",
                        SEALED,
                        "b5bb9d8014a0f9b1d61e21e796d78dcc",
                        ProtocolHint.AUTO,
                        List.of("DeepSeek-V3"),
                        Map.of("ds-chat", "deepseek-chat"),
                        10,
                        2000,
                        15000,
                        null,
                        Map.of("Host", "api.deepseek.com"),
                        null,
                        access(),
                        AT),
                new ItemStageStarted(RUN, ITEM, 1, ItemStage.PROBING, AT),
                new ItemDuplicate(RUN, ITEM, UUID.randomUUID(), UUID.randomUUID(), "same API base and key", AT),
                new ItemCancelled(RUN, ITEM, "operator cancelled the run", AT),
                new ItemProbed(RUN, ITEM, 1, deepSeekProbe(), AT),
                new ItemProbeFailed(
                        RUN,
                        ITEM,
                        2,
                        FailureClass.RATE_LIMITED,
                        "429 retry-after 3",
                        429,
                        evidence,
                        List.of(),
                        null,
                        AT.plusSeconds(3),
                        AT),
                new ItemProvisioned(RUN, ITEM, 1, "ch_1", "grp_1", "key_1", "deepseek-chat", resources(), AT),
                new ItemProvisionFailed(RUN, ITEM, 1, FailureClass.INTERNAL, "edge 503", null, AT),
                new ItemConfirmed(
                        RUN, ITEM, 1, "deepseek-chat", AccessStatus.SUBSCRIPTION_READY, evidence, 12, 230, AT),
                new ItemConfirmationFailed(
                        RUN, ITEM, 3, FailureClass.HOST_COMPATIBILITY_GAP, "edge 502", 502, evidence, evidence, AT),
                new ItemRolledBack(RUN, ITEM, resources(), "operator rollback", AT),
                new ItemRetryRequested(RUN, ITEM, "operator", AT),
                new ItemCancelRequested(RUN, ITEM, "operator", AT),
                new ItemRollbackRequested(RUN, ITEM, "operator", AT),
                new ItemReprobeRequested(RUN, ITEM, reconcile, AT),
                new ItemReprobed(RUN, ITEM, reconcile, true, deepSeekProbe(), null, "passes again", AT),
                new RunCompleted(RUN, RunStatus.PARTIALLY_SUCCEEDED, 10, 7, 2, 1, 0, 0, AT),
                new RunRollbackRequested(RUN, "operator", AT),
                new DriftDetected(
                        reconcile,
                        RUN,
                        ITEM,
                        resources().getFirst(),
                        DriftDetected.DriftKind.DISABLED,
                        "AUTO_DISABLED: insufficient_quota",
                        false,
                        AT),
                new ReconcileCompleted(
                        reconcile, RUN, ReconcileCompleted.ReconcileStatus.DRIFTED, 40, 1, 0, AT.minusSeconds(2), AT),
                new ReconcileRequested(reconcile, null, false, "operator", AT),
                new ResourceRepairRequested(
                        reconcile, RUN, ITEM, resources().getFirst(), DriftDetected.DriftKind.MISSING, AT),
                new ResourceRepaired(
                        reconcile,
                        RUN,
                        ITEM,
                        resources().getFirst(),
                        new ManagedResource(
                                "edge", ManagedResource.ResourceKind.CHANNEL, "ch_9", "item:" + ITEM, "9f86d08188"),
                        AT),
                new ResourceRepairFailed(
                        reconcile, RUN, ITEM, resources().getFirst(), FailureClass.UNREACHABLE, "edge down", AT),
                new GatewayConfigChanged(42, "channel", "ch_1", GatewayConfigChanged.ChangeKind.UPDATED, AT),
                new ChannelCooledDown(
                        "ch_1", ChannelCooledDown.CooldownCause.RATE_LIMITED, AT.plusSeconds(20), 1, "gw-a", AT),
                new ChannelAutoDisabled("ch_1", FailureClass.QUOTA_EXHAUSTED, "insufficient_quota", "gw-a", AT),
                new UsageRecorded(
                        "req_1",
                        "gw-a",
                        UsageRecorded.Purpose.CLIENT,
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
